"""deploy/monitoring: the Grafana dashboard and the alert rules chart only metrics the
portal exports, Prometheus scrapes with the token, and compose wires the profile."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from django.conf import settings
from prometheus_client import REGISTRY

from ops.metrics import DatabaseCollector

MONITORING = Path(settings.BASE_DIR) / "deploy" / "monitoring"
# A metric name in PromQL: portal_... (functions and label names do not start so).
METRIC = re.compile(r"\bportal_[a-z_]+\b")


def exported_names(db) -> set[str]:
    """Every sample name /metrics can carry: the counters and histogram of telemetry,
    and the scrape-time gauges (the Celery queue gauge exists on Redis only)."""
    import telemetry.metrics  # noqa: F401  (registers the counters)

    names = {sample.name for family in REGISTRY.collect() for sample in family.samples}
    names |= {sample.name for family in DatabaseCollector().collect() for sample in family.samples}
    # Histogram series exist once observed; counters once labelled: name them all.
    names |= {family.name + suffix for family in REGISTRY.collect()
              for suffix in ("_total", "_bucket", "_count", "_sum")}  # fmt: skip
    return names | {"portal_celery_queue_length", "portal_worker_heartbeat_age_seconds"}


def test_every_dashboard_panel_charts_exported_metrics(db):
    dashboard = json.loads((MONITORING / "grafana" / "dashboards" / "portal.json").read_text())
    names = exported_names(db)
    assert dashboard["uid"] and dashboard["panels"]
    charted = set()
    for panel in dashboard["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            used = set(METRIC.findall(target["expr"]))
            assert used, target["expr"]
            assert used <= names, (panel["title"], used - names)
            charted |= used
    # The list: each is on the dashboard.
    for metric in (
        "portal_gateway_calls_total", "portal_gateway_latency_seconds_bucket",
        "portal_bearer_cache_hits_total", "portal_bearer_rsa_decryptions_total",
        "portal_gateway_rate_limited_total", "portal_callback_deliveries_total",
        "portal_callback_outbox_backlog", "portal_callback_oldest_due_age_seconds",
        "portal_celery_queue_length", "portal_golive_requests",
    ):  # fmt: skip
        assert metric in charted, metric


def test_alert_rules_cover_backlog_age_error_rate_and_a_missing_worker(db):
    rules = yaml.safe_load((MONITORING / "alerts.yml").read_text())
    by_name = {rule["alert"]: rule for group in rules["groups"] for rule in group["rules"]}
    assert {"CallbackBacklogOld", "GatewayErrorRate", "WorkerMissing"} <= set(by_name)
    names = exported_names(db)
    for rule in by_name.values():
        assert set(METRIC.findall(rule["expr"])) <= names, rule["alert"]
        assert rule["annotations"]["summary"]
    assert "portal_worker_heartbeat_age_seconds" in by_name["WorkerMissing"]["expr"]


def test_prometheus_scrapes_web_with_the_token_and_loads_the_rules():
    config = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    web = next(job for job in config["scrape_configs"] if job["job_name"] == "portal-web")
    assert web["metrics_path"] == "/metrics"
    assert web["authorization"]["type"] == "Bearer"
    assert web["authorization"]["credentials_file"] == "/run/secrets/metrics_token"
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]


def test_compose_monitoring_profile():
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    services = compose["services"]
    for name in ("prometheus", "grafana"):
        assert services[name]["profiles"] == ["monitoring"]
    assert "metrics_token" in services["prometheus"]["secrets"]
    assert compose["secrets"]["metrics_token"] == {"environment": "METRICS_TOKEN"}
    mounts = " ".join(services["grafana"]["volumes"])
    assert "grafana/provisioning" in mounts and "grafana/dashboards" in mounts
    assert all("profiles" not in services[name] for name in ("web", "worker", "beat"))
