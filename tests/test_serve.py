"""The daily schedule is what the README promises."""

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from prefect.server.schemas.schedules import CronSchedule

from flows.serve import daily_deployment


def test_daily_ingest_is_scheduled_at_six_in_shanghai_with_the_given_parameters():
    deployment = daily_deployment(sources=["samples/sources.toml"], db_path="x.duckdb")
    (schedule,) = deployment.schedules
    assert schedule.schedule.cron == "0 6 * * *"
    assert schedule.schedule.timezone == "Asia/Shanghai"
    assert deployment.parameters == {"sources": ["samples/sources.toml"], "db_path": "x.duckdb"}
    assert deployment.flow_name == "daily_ingest"


def test_the_schedule_fires_at_six_local_time_every_day():
    deployment = daily_deployment()
    (schedule,) = deployment.schedules
    start = datetime(2025, 5, 28, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    # the server's own schedule model computes the run times it will create
    server_schedule = CronSchedule(cron=schedule.schedule.cron, timezone=schedule.schedule.timezone)
    fires = asyncio.run(server_schedule.get_dates(n=3, start=start))
    assert [d.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%m-%d %H:%M") for d in fires] == [
        "05-29 06:00",
        "05-30 06:00",
        "05-31 06:00",
    ]
