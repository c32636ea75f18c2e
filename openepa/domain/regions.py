"""England's nine regions (ONS International Territorial Level 1) for in-person
assessment: the region of a workplace from its postcode, and the travel minutes the
scheduling optimiser charges between regions.

Sources: the postcode areas of Royal Mail's Postcode Address File, each given the ITL1
region where most of its addresses lie (ONS National Statistics Postcode Lookup); an area
that is mostly outside England (Wales, Scotland, Northern Ireland) gives no region. Travel
between regions is an estimate for planning only: 45 minutes one way inside a region and
75 minutes more for each regional border crossed (ONS ITL1 boundaries), so that a nearer
assessor is preferred. Pure functions: no database, no Django.
"""

from __future__ import annotations

import re
from collections import deque

NORTH_EAST = "north_east"
NORTH_WEST = "north_west"
YORKSHIRE = "yorkshire_humber"
EAST_MIDLANDS = "east_midlands"
WEST_MIDLANDS = "west_midlands"
EAST = "east_of_england"
LONDON = "london"
SOUTH_EAST = "south_east"
SOUTH_WEST = "south_west"
REGIONS = (
    NORTH_EAST,
    NORTH_WEST,
    YORKSHIRE,
    EAST_MIDLANDS,
    WEST_MIDLANDS,
    EAST,
    LONDON,
    SOUTH_EAST,
    SOUTH_WEST,
)

_AREAS = {
    NORTH_EAST: "DH DL NE SR TS",
    NORTH_WEST: "BB BL CA CH CW FY L LA M OL PR SK WA WN",
    YORKSHIRE: "BD DN HD HG HU HX LS S WF YO",
    EAST_MIDLANDS: "DE LE LN NG NN",
    WEST_MIDLANDS: "B CV DY HR ST TF WR WS WV",
    EAST: "AL CB CM CO EN IP LU NR PE SG SS WD",
    LONDON: "E EC N NW SE SW W WC BR CR HA IG RM SM TW UB",
    SOUTH_EAST: "BN CT DA GU HP KT ME MK OX PO RG RH SL SO TN",
    SOUTH_WEST: "BA BH BS DT EX GL PL SN SP TA TQ TR",
}
AREA_REGION = {area: region for region, areas in _AREAS.items() for area in areas.split()}

#: Regions sharing a border (ONS ITL1 boundaries).
_NEIGHBOURS = {
    NORTH_EAST: {NORTH_WEST, YORKSHIRE},
    NORTH_WEST: {NORTH_EAST, YORKSHIRE, EAST_MIDLANDS, WEST_MIDLANDS},
    YORKSHIRE: {NORTH_EAST, NORTH_WEST, EAST_MIDLANDS},
    EAST_MIDLANDS: {YORKSHIRE, NORTH_WEST, WEST_MIDLANDS, EAST, SOUTH_EAST},
    WEST_MIDLANDS: {NORTH_WEST, EAST_MIDLANDS, SOUTH_WEST, SOUTH_EAST},
    EAST: {EAST_MIDLANDS, LONDON, SOUTH_EAST},
    LONDON: {EAST, SOUTH_EAST},
    SOUTH_EAST: {LONDON, EAST, EAST_MIDLANDS, WEST_MIDLANDS, SOUTH_WEST},
    SOUTH_WEST: {WEST_MIDLANDS, SOUTH_EAST},
}
INSIDE_MINUTES = 45
BORDER_MINUTES = 75

_AREA = re.compile(r"^\s*([A-Za-z]{1,2})\d")


def region_of_postcode(postcode: str) -> str | None:
    """The region of a postcode's area (`"NE1 4ST"` → north_east), or None when the
    postcode is missing, malformed or outside England."""
    found = _AREA.match(postcode or "")
    return AREA_REGION.get(found.group(1).upper()) if found else None


def _hops(start: str) -> dict[str, int]:
    seen = {start: 0}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for nxt in _NEIGHBOURS[here]:
            if nxt not in seen:
                seen[nxt] = seen[here] + 1
                queue.append(nxt)
    return seen


def travel_minutes() -> dict[str, dict[str, int]]:
    """One-way travel minutes between every pair of regions (itself included)."""
    return {
        a: {b: INSIDE_MINUTES + BORDER_MINUTES * n for b, n in _hops(a).items()} for a in REGIONS
    }
