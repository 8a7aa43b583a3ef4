"""Services: all logic and all SQL. No UI imports; every module is testable without a browser."""
