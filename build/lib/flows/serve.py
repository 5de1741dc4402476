"""Keep `daily_ingest` on its daily schedule: 06:00 Asia/Shanghai, when the night's news is in."""

from __future__ import annotations

import prefect
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.daily_ingest import daily_ingest

SCHEDULE = Cron("0 6 * * *", timezone="Asia/Shanghai")


def daily_deployment(
    sources: list[str] | None = None, db_path: str | None = None
) -> RunnerDeployment:
    return daily_ingest.to_deployment(
        name="chipwire-daily",
        schedules=[SCHEDULE],
        parameters={"sources": sources, "db_path": db_path},
        description="discover → fetch → extract → normalize → facts → load, every day",
    )


def serve(sources: list[str] | None = None, db_path: str | None = None) -> None:
    """Block and run the flow on schedule; the schedule stays active if this process stops."""
    prefect.serve(daily_deployment(sources, db_path), pause_on_shutdown=False)
