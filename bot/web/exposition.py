"""The bot's figures in Prometheus's text format, written by prometheus-client."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import generate_latest
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from bot.services.metrics import REPLY_BUCKETS, Figures

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def exposition(figures: Figures) -> bytes:
    return generate_latest(_Scrape(figures))


class _Scrape(Collector):
    """One scrape's figures, as a registry's collector hands them over."""

    def __init__(self, figures: Figures) -> None:
        self._figures = figures

    def collect(self) -> Iterator[Metric]:
        f = self._figures
        yield _counter("ubnd_updates_handled", "Updates handled, by kind", "kind", f.updates)
        cumulative, buckets = 0, []
        for bound, count in zip((*REPLY_BUCKETS, float("inf")), f.replies, strict=True):
            cumulative += count
            buckets.append((floatToGoString(bound), cumulative))  # type: ignore[no-untyped-call]
        yield HistogramMetricFamily(
            "ubnd_reply_seconds",
            "From an update's arrival to the end of its handling (the reply sent)",
            buckets=buckets,
            sum_value=f.reply_seconds,
        )
        yield _counter(
            "ubnd_telegram_responses",
            "Bot API answers, by HTTP status (429: Telegram asked us to slow down)",
            "status",
            f.answers,
        )
        yield _counter(
            "ubnd_outbox_retries",
            "Outgoing messages put back to be tried again, by reason",
            "reason",
            f.retries,
        )
        yield _counter(
            "ubnd_search_misses",
            "Questions the bot could not answer well, by kind (a list it was not sure of that "
            "the citizen then found wanting counts under both)",
            "kind",
            f.misses,
        )
        yield GaugeMetricFamily(
            "ubnd_outbox_pending", "Messages not yet sent (due or held)", f.backlog.pending
        )
        yield GaugeMetricFamily("ubnd_outbox_due", "Messages due and not yet sent", f.backlog.due)
        yield GaugeMetricFamily(
            "ubnd_outbox_oldest_due_seconds",
            "How long the longest-waiting due message has been due",
            f.backlog.oldest_due_s,
        )
        yield _gauge("ubnd_tickets", "Complaints and questions, by state", "state", f.tickets)
        yield _gauge(
            "ubnd_tickets_overdue",
            "Open tickets past a deadline, by stage (acknowledge, resolve)",
            "stage",
            {"acknowledge": f.overdue.acknowledge, "resolve": f.overdue.resolve},
        )


def _counter(name: str, text: str, label: str, counts: dict[str, int]) -> Metric:
    return _labelled(CounterMetricFamily(name, text, labels=[label]), counts)


def _gauge(name: str, text: str, label: str, values: dict[str, int]) -> Metric:
    return _labelled(GaugeMetricFamily(name, text, labels=[label]), values)


def _labelled(family: CounterMetricFamily | GaugeMetricFamily, values: dict[str, int]) -> Metric:
    for value, count in values.items():
        family.add_metric([value], count)
    return family
