"""The vendored plotly.js is the pinned package's, and plotly.css holds its style rules."""

from __future__ import annotations

from reports.management.commands import vendor_plotly


def test_vendored_plotly_matches_the_pinned_package():
    assert (
        vendor_plotly.TARGET / "plotly.min.js"
    ).read_bytes() == vendor_plotly.SOURCE.read_bytes()


def test_plotly_css_is_extracted_from_the_bundle():
    bundle = vendor_plotly.SOURCE.read_text(encoding="utf-8")
    css = vendor_plotly.plotly_css(bundle)
    assert (vendor_plotly.TARGET / "plotly.css").read_text(encoding="utf-8") == css
    # The rule that stacks plotly's SVG layers, without which titles fall below charts.
    assert ".js-plotly-plot .plotly .main-svg{position:absolute;" in css
    assert ".plotly-notifier{" in css
