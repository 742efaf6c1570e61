"""The vendored plotly.js is the pinned npm package's partial bundle, and plotly.css holds
its style rules."""

from __future__ import annotations

import pytest

from reports.management.commands import vendor_plotly
from tests.conftest import missing


@pytest.fixture
def package_bundle() -> str:
    if not vendor_plotly.SOURCE.exists():
        missing(f"{vendor_plotly.SOURCE} is not installed (make node-deps)")
    return vendor_plotly.SOURCE.read_text(encoding="utf-8")


def test_vendored_plotly_matches_the_pinned_package(package_bundle):
    target = vendor_plotly.TARGET
    assert (target / vendor_plotly.BUNDLE).read_text(encoding="utf-8") == package_bundle
    assert (target / "LICENSE").read_bytes() == (vendor_plotly.PACKAGE / "LICENSE").read_bytes()
    assert "plotly.js (basic - minified) v4.1.1" in package_bundle
    assert "v4.1.1" in (target / "README.md").read_text(encoding="utf-8")
    # Only the partial bundle is shipped: the full one (4.6 MB) is gone.
    assert not (target / "plotly.min.js").exists()


def test_plotly_css_is_extracted_from_the_bundle(package_bundle):
    css = vendor_plotly.plotly_css(package_bundle)
    assert (vendor_plotly.TARGET / "plotly.css").read_text(encoding="utf-8") == css
    # The rule that stacks plotly's SVG layers, without which titles fall below charts.
    assert ".js-plotly-plot .plotly .main-svg{position:absolute;" in css
    assert ".plotly-notifier{" in css
