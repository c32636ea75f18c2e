"""A workplace's region from its postcode, and travel between regions (openepa.domain.regions),
table-tested."""

from __future__ import annotations

import pytest

from openepa.domain.regions import (
    AREA_REGION,
    BORDER_MINUTES,
    INSIDE_MINUTES,
    REGIONS,
    region_of_postcode,
    travel_minutes,
)


@pytest.mark.parametrize(
    ("postcode", "region"),
    [
        ("NE1 4ST", "north_east"),
        ("ne1 4st", "north_east"),
        ("M1 1AE", "north_west"),
        ("LS1 4DY", "yorkshire_humber"),
        ("NG1 5FS", "east_midlands"),
        ("B1 1BB", "west_midlands"),
        ("CB2 1TN", "east_of_england"),
        ("SW1A 2AA", "london"),
        ("E1 6AN", "london"),
        ("EC1A 1BB", "london"),
        ("OX1 2JD", "south_east"),
        ("BS1 4ST", "south_west"),
        ("CF10 1EP", None),  # Cardiff: Wales
        ("EH1 1YZ", None),  # Edinburgh: Scotland
        ("", None),
        ("not a postcode", None),
    ],
)
def test_the_region_of_a_postcode(postcode, region):
    assert region_of_postcode(postcode) == region


def test_every_area_names_a_region():
    assert set(AREA_REGION.values()) == set(REGIONS)


@pytest.mark.parametrize(
    ("a", "b", "minutes"),
    [
        ("london", "london", INSIDE_MINUTES),
        ("london", "south_east", INSIDE_MINUTES + BORDER_MINUTES),
        ("north_east", "south_west", INSIDE_MINUTES + 3 * BORDER_MINUTES),
    ],
)
def test_travel_grows_with_each_border_crossed(a, b, minutes):
    table = travel_minutes()
    assert table[a][b] == table[b][a] == minutes


def test_travel_covers_every_pair():
    table = travel_minutes()
    assert all(set(row) == set(REGIONS) for row in table.values())
    assert set(table) == set(REGIONS)
