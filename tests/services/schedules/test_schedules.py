"""Checkpoint schedules on real databases, driven by a clock the test sets (never by waiting):
crontab meaning, retention, runs claimed once, missed times, settings that own a schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dbadmin.services import checkpoints, migrations, schedules
from dbadmin.services.branch import Branch
from dbadmin.services.checkpoints import catalog
from dbadmin.services.errors import InvalidInput, NotAllowed, OperationRefused
from dbadmin.services.registry import CONTROL
from dbadmin.services.schedules import Keep, Schedule, claims, retention
from tests.helpers import actions, admin, viewer

ME = admin("tester")
T0 = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)  # a Monday


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return T0 + timedelta(days=day, hours=hour, minutes=minute)


# -- what a schedule says -----------------------------------------------------------------


@pytest.mark.parametrize(
    "crontab, expected",
    [
        ("0 3 * * *", ["Mon 03:00", "Tue 03:00", "Wed 03:00"]),
        ("0 3 * * 1-5; 30 12 * * 0", ["Mon 03:00", "Tue 03:00", "Wed 03:00"]),
        ("0 9-11 * * 1", ["Mon 09:00", "Mon 10:00", "Mon 11:00"]),
        ("0 3 * * 0", ["Sun 03:00"]),  # cron's Sunday is 0 (APScheduler's own 0 is Monday)
        ("0 3 * * 7", ["Sun 03:00"]),
        ("0 3 * * */2", ["Tue 03:00", "Thu 03:00", "Sat 03:00", "Sun 03:00"]),  # 0,2,4,6 from Sunday
        ("0 3 8 * 5", ["Tue 03:00", "Fri 03:00"]),  # the 8th or a Friday, as cron has it
    ],
)
def test_crontab_lines_fire_as_cron_does(crontab, expected):
    times = list(Schedule.parse(crontab, "daily=1").times(T0, T0 + timedelta(days=7)))
    assert [f"{t:%a %H:%M}" for t in times][: len(expected)] == expected
    assert all(t.tzinfo is UTC and t > T0 for t in times)


@pytest.mark.parametrize(
    "crontab, keep, message",
    [
        ("", "daily=7", "at least one crontab line"),
        ("0 3 * *", "daily=7", "needs five fields"),
        ("61 3 * * *", "daily=7", "higher than the maximum"),
        ("0 3 * * 8", "daily=7", "weekday '8' is not 0-7"),
        ("0 3 * * *", "daily=x", "daily=x must be a whole number"),
        ("0 3 * * *", "yearly=1", "'yearly=1' is not a keep rule"),
        ("0 3 * * *", "within=3m", "within=3m is not a duration"),
        ("0 3 * * *", "daily=0", "must keep something"),
        ("0 3 * * *\x00", "daily=7", "NUL byte"),
        ("; ".join(["0 3 * * *"] * 11), "daily=7", "at most 10 crontab lines"),
        ("0 3 * * *" + " " * 600, "daily=7", "at most 500 characters"),
    ],
)
def test_a_bad_schedule_is_one_line_and_names_what_is_wrong(crontab, keep, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        Schedule.parse(crontab, keep)
    assert "\n" not in str(refused.value)


def test_keep_rules_read_back_as_written():
    assert Keep.parse("daily=7, weekly=4 within=36h").describe() == "daily=7 weekly=4 within=36h"
    assert Keep.parse("last=3 within=14d").describe() == "last=3 within=14d"


# -- which checkpoints retention keeps ----------------------------------------------------


def test_retention_keeps_the_newest_of_each_period_and_the_newest_good_one():
    hourly = [retention.Candidate(i, at(0, i), good=True) for i in range(48)]  # two days, one an hour
    kept = retention.kept(hourly, Keep.parse("last=2 daily=3"), now=at(2))
    # the newest two (47, 46); the newest of each day: day 1 (47) and day 0 (23)
    assert set(kept) == {47, 46, 23}
    assert kept[47] == "the newest good checkpoint" and kept[46] == "last=2" and kept[23] == "daily=3"

    bad_newest = [*hourly[:47], retention.Candidate(47, at(1, 23), good=False)]
    kept = retention.kept(bad_newest, Keep.parse("last=1"), now=at(2))
    assert kept == {46: "the newest good checkpoint", 47: "newer than the newest good checkpoint"}
    kept = retention.kept([*bad_newest, retention.Candidate(48, at(2), good=True)], Keep.parse("last=1"), now=at(2))
    assert set(kept) == {48}  # a failed drill fills no slot, and goes once a good one follows

    kept = retention.kept(hourly, Keep.parse("within=6h"), now=at(1, 23, 30))
    assert set(kept) == {42, 43, 44, 45, 46, 47}

    weekly = [retention.Candidate(i, at(7 * i), good=True) for i in range(6)]
    assert set(retention.kept(weekly, Keep.parse("weekly=4"), now=at(40))) == {5, 4, 3, 2}
    nothing_good = [retention.Candidate(1, at(0), good=False)]
    assert set(retention.kept(nothing_good, Keep.parse("daily=7"), now=at(1))) == {1}


# -- running a schedule -------------------------------------------------------------------


@pytest.fixture
def dev(shop):
    migrations.upgrade(shop, "dev", actor=ME)
    return shop


def hourly(context, keep="last=2") -> datetime:
    """Dev checkpointed every hour from now on; returns the first time it fires."""
    schedules.set_schedule(context, "dev", "0 * * * *", keep=keep, actor=ME, reason="nightly is too rare")
    found = schedules.get(context, "dev")
    assert found is not None and found.source == "console" and found.updated_by == ME.name
    return found.schedule.next_time(found.updated_at)


def scheduled(context) -> list:
    return [c for c in checkpoints.list_for_branch(context, "dev") if c.label.startswith("scheduled ")]


def test_a_schedule_fires_at_its_times_once_then_drills_and_prunes(dev):
    first = hourly(dev)
    assert schedules.run_due(dev, now=first - timedelta(seconds=1)) == []

    done = schedules.run_due(dev, now=first + timedelta(seconds=5), owner="one")
    assert [(h.outcome, h.due_at) for h in done] == [("ok", first)]
    made = scheduled(dev)
    assert [c.label for c in made] == [f"scheduled {first:%Y-%m-%d %H:%M} UTC"]
    assert made[0].expires_at is None and made[0].created_by == "dbadmin schedule"
    assert schedules.run_due(dev, now=first + timedelta(seconds=30), owner="two") == []  # once, whoever looks

    run = claims.recent(dev.registry, Branch.DEV)[0]
    assert (run.state, run.owner, run.attempts, run.checkpoint_id) == ("ok", "one", 1, made[0].id)
    assert checkpoints.drills.last_of(dev, [made[0].id])[made[0].id].id == run.drill_id
    assert checkpoints.last_verified(dev, "dev")[0].id == made[0].id

    for hour in (1, 2):
        assert [h.outcome for h in schedules.run_due(dev, now=first + timedelta(hours=hour, seconds=5))] == ["ok"]
    kept = scheduled(dev)
    assert [c.label for c in kept] == [
        f"scheduled {first + timedelta(hours=2):%Y-%m-%d %H:%M} UTC",
        f"scheduled {first + timedelta(hours=1):%Y-%m-%d %H:%M} UTC",
    ]  # last=2: the first was pruned, audited as such
    pruned = [a for a in actions(dev) if a.action == "checkpoint.delete"]
    assert [(a.actor, a.reason, a.outcome) for a in pruned] == [("dbadmin schedule", "retention: last=2", "ok")]
    assert [a.outcome for a in actions(dev) if a.action == "checkpoint.drill"] == ["ok"] * 3


def test_times_missed_while_nobody_ran_are_recorded_and_the_latest_runs(dev):
    first = hourly(dev, keep="daily=7")
    done = schedules.run_due(dev, now=first + timedelta(hours=4, minutes=10))
    assert [(h.outcome, h.due_at) for h in done] == [
        ("missed", first),
        ("missed", first + timedelta(hours=1)),
        ("missed", first + timedelta(hours=2)),
        ("missed", first + timedelta(hours=3)),
        ("ok", first + timedelta(hours=4)),
    ]
    assert done[0].detail == "not started within 30 minutes of its time"
    assert len(scheduled(dev)) == 1


def test_a_busy_branch_is_tried_again_while_within_the_grace(dev):
    from dbadmin.services.operations import oplock

    first = hourly(dev)
    with oplock.hold(dev.registry, "dev", operation="migrate.up", actor="someone"):
        done = schedules.run_due(dev, now=first + timedelta(minutes=1))
    assert [h.outcome for h in done] == ["busy"] and "migrate.up by someone" in done[0].detail
    assert [h.outcome for h in schedules.run_due(dev, now=first + timedelta(minutes=2))] == ["ok"]


def test_an_expired_lease_is_taken_over_and_counted(dev):
    first = hourly(dev)
    claimed = claims.claim(dev.registry, Branch.DEV, first, "dead-process", lease=60)
    assert claimed is not None
    assert schedules.run_due(dev, now=first + timedelta(minutes=1), owner="alive") == []  # its lease holds
    with dev.registry.connection(CONTROL) as conn:
        conn.execute("UPDATE schedule_runs SET lease_until = clock_timestamp() - interval '1 second'")
    done = schedules.run_due(dev, now=first + timedelta(minutes=2), owner="alive")
    assert [(h.outcome, h.due_at) for h in done] == [("ok", first)]
    run = claims.recent(dev.registry, Branch.DEV)[0]
    assert (run.owner, run.attempts, run.state) == ("alive", 2, "ok")
    assert len(scheduled(dev)) == 1


def test_a_run_cut_short_every_time_is_abandoned_as_failed(dev):
    first = hourly(dev)
    claims.claim(dev.registry, Branch.DEV, first, "dead", lease=60)
    with dev.registry.connection(CONTROL) as conn:
        conn.execute(
            "UPDATE schedule_runs SET attempts = %s, lease_until = clock_timestamp() - interval '1 s'",
            (claims.MAX_ATTEMPTS,),
        )
    done = schedules.run_due(dev, now=first + timedelta(minutes=1))
    assert [(h.outcome, h.detail) for h in done] == [
        ("failed", "abandoned: its process stopped 3 times before it finished")
    ]
    assert scheduled(dev) == []


def test_a_failed_drill_fails_the_run_and_keeps_the_newest_good_checkpoint(dev, monkeypatch):
    first = hourly(dev, keep="last=1")
    schedules.run_due(dev, now=first + timedelta(minutes=1))
    good = scheduled(dev)[0]
    real = catalog.row_counts_of
    monkeypatch.setattr(
        catalog, "row_counts_of", lambda registry, id: {**real(registry, id), "public.gone": {"rows": 1, "exact": True}}
    )
    done = schedules.run_due(dev, now=first + timedelta(hours=1, minutes=1))
    assert [h.outcome for h in done] == ["failed"] and "public.gone is missing" in done[0].detail
    assert {c.id for c in scheduled(dev)} == {good.id, done[0].checkpoint_id}  # kept to be looked into
    assert claims.recent(dev.registry, Branch.DEV)[0].state == "failed"
    monkeypatch.setattr(catalog, "row_counts_of", real)
    done = schedules.run_due(dev, now=first + timedelta(hours=2, minutes=1))
    assert [c.id for c in scheduled(dev)] == [done[0].checkpoint_id]  # a good one followed: both older ones go


def test_setting_a_schedule_is_for_admins_and_refused_when_settings_own_it(make_context):
    context = make_context(dev_schedule="0 3 * * *", dev_schedule_keep="daily=3")
    schedules.sync_settings(context)
    found = schedules.get(context, "dev")
    assert (found.source, found.schedule.describe(), found.schedule.keep.describe()) == (
        "settings",
        "0 3 * * *",
        "daily=3",
    )
    assert not found.editable
    with pytest.raises(OperationRefused, match="^Development's schedule is set by DEV_SCHEDULE in the settings"):
        schedules.set_schedule(context, "dev", "0 4 * * *", actor=ME)
    with pytest.raises(NotAllowed):
        schedules.set_schedule(context, "prod", "0 4 * * *", actor=viewer("v"))
    with pytest.raises(InvalidInput, match="needs five fields"):
        schedules.set_schedule(context, "prod", "0 4 * *", actor=ME)
    assert schedules.get(context, "prod") is None
    schedules.set_schedule(context, "prod", "0 4 * * *", keep="weekly=2", actor=ME)
    assert schedules.get(context, "prod").schedule.keep.describe() == "weekly=2"
    schedules.set_schedule(context, "prod", "off", actor=ME)
    assert schedules.get(context, "prod") is None
    outcomes = [(a.action, a.outcome) for a in actions(context) if a.action == "schedule.set"]
    assert outcomes == [("schedule.set", "refused")] * 3 + [("schedule.set", "ok")] * 2


@pytest.mark.parametrize(
    "crontab, expected",
    [
        ("0 3 */2 * 1", ["Mon 07"]),  # a field starting with * makes cron AND the two: Mondays on odd days
        ("0 3 1 * */2", []),  # the 1st that is also Sun/Tue/Thu/Sat: none in this fortnight
        ("0 3 8 * 0-6", ["Mon 07", "Tue 08", "Wed 09"]),  # neither starts with *: either, so every day
    ],
)
def test_day_of_month_and_weekday_combine_as_cron_decides_it_from_the_text(crontab, expected):
    times = Schedule.parse(crontab, "daily=1").times(T0 - timedelta(seconds=1), T0 + timedelta(days=14))
    assert [f"{t:%a %d}" for t in times][:3] == expected


def test_a_keep_rule_reads_back_within_its_bounds():
    with pytest.raises(InvalidInput, match="within=20000w is more than 3660 days"):
        Keep.parse("within=20000w")
    assert Keep.parse(Keep.parse("within=522w").describe()).within == timedelta(weeks=522)


def test_a_run_given_back_keeps_its_checkpoint_and_never_makes_a_second(dev):
    from dbadmin.services.operations import oplock

    first = hourly(dev)
    claimed = claims.claim(dev.registry, Branch.DEV, first, "dead-process", lease=60)
    made = checkpoints.create(dev, "dev", actor=schedules.SCHEDULER, label=f"scheduled {first:%Y-%m-%d %H:%M} UTC")
    assert claims.note(dev.registry, claimed, "dead-process", checkpoint_id=made.id)
    with dev.registry.connection(CONTROL) as conn:
        conn.execute("UPDATE schedule_runs SET lease_until = clock_timestamp() - interval '1 s'")
    with oplock.hold(dev.registry, "dev", operation="migrate.up", actor="someone"):
        busy = schedules.run_due(dev, now=first + timedelta(minutes=2), owner="alive")
    assert [h.outcome for h in busy] == ["busy"]
    kept = claims.recent(dev.registry, Branch.DEV)[0]
    assert (kept.state, kept.checkpoint_id, kept.attempts) == ("running", made.id, 1)  # given back, nothing lost
    done = schedules.run_due(dev, now=first + timedelta(minutes=3), owner="alive")
    assert [(h.outcome, h.checkpoint_id) for h in done] == [("ok", made.id)]
    assert [c.id for c in scheduled(dev)] == [made.id]


def test_a_drill_that_cannot_run_fails_the_run_and_prunes_no_verified_backup(dev, monkeypatch):
    from dbadmin.services.errors import BranchBusy

    first = hourly(dev, keep="last=1")
    schedules.run_due(dev, now=first + timedelta(minutes=1))
    verified = scheduled(dev)[0]

    def busy(*args, **kwargs):
        raise BranchBusy("busy: migrate.up by someone since now")

    monkeypatch.setattr(checkpoints, "drill", busy)
    done = schedules.run_due(dev, now=first + timedelta(hours=1, minutes=1))
    assert [h.outcome for h in done] == ["failed"]
    assert done[0].detail == "the drill could not run: busy: migrate.up by someone since now"
    assert {c.id for c in scheduled(dev)} == {verified.id, done[0].checkpoint_id}  # the proven one stays
    assert checkpoints.last_verified(dev, "dev")[0].id == verified.id


def test_a_stopping_process_claims_and_takes_over_nothing(dev):
    import threading

    first = hourly(dev)
    stop = threading.Event()
    stop.set()
    assert schedules.run_due(dev, now=first + timedelta(minutes=1), stop=stop) == []
    assert claims.recent(dev.registry, Branch.DEV) == []
