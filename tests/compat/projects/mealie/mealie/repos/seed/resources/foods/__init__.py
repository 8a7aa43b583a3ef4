from pathlib import Path

CWD = Path(__file__).parent

en_US = CWD / "locales" / "en-US.json"
