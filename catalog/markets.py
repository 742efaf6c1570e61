"""The five markets of the reference (§2.2)."""

from __future__ import annotations

from catalog.types import Market

MARKETS: dict[str, Market] = {
    m.slug: m
    for m in (
        Market("vodafoneGHA", "Vodafone Ghana", "GHA", "GHS", "233"),
        Market("vodacomTZN", "Vodacom Tanzania", "TZN", "TZS", "255"),
        Market("vodacomLES", "Vodacom Lesotho", "LES", "LSL", "266"),
        Market("vodacomDRC", "Vodacom DR Congo", "DRC", "USD", "243"),
        Market("vodacomMOZ", "Vodacom Mozambique", "MOZ", "MZN", "258"),
    )
}

ALL_MARKETS: tuple[str, ...] = tuple(MARKETS)


def get_market(slug: str) -> Market | None:
    return MARKETS.get(slug)
