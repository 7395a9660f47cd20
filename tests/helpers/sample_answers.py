"""Complete, valid answers to the sample pack's forms, as a citizen would type them.

Shared by the wizard's screen tests and ``make bench`` (which walks the same
forms page by page). Dates that the forms judge against today are made from
``today`` so the answers stay valid whenever the suite runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def license_renewal(today: dt.date) -> dict[str, Any]:
    """A renewal at the kiosk with a change of address (DMV)."""
    return {
        "license_number": "D1234567",
        "license_expiry": (today - dt.timedelta(days=40)).isoformat(),  # renewable: < 2 years
        "first_name": "Lucía",
        "last_name": "Núñez",
        "date_of_birth": "1980-02-03",
        "phone": "(951) 555-0142",
        "email": "",
        "address_changed": True,
        "home_address": {"line1": "12 Oak Ave", "city": "Riverside", "postal_code": "92501"},
        "moved_on": "2024-01-10",
        "corrective_lenses": False,
        "declaration": True,
    }


def birth_certificate(today: dt.date) -> dict[str, Any]:
    """The person on the record asks for an authorized copy (county clerk)."""
    return {
        "relationship": "self",
        "registrant_name": "Lucía Torres Gómez",
        "date_of_birth": "1988-03-09",
        "birth_city": "Riverside",
        "parent_1_name": "María Gómez Ruiz",
        "parent_2_name": "",
        "copies": "2",
        "purpose": "passport",
        "id_type": "drivers_license",
        "id_number": "D1234567",
        "phone": "(951) 555-0142",
        "sworn_statement": True,
    }


def street_problem(today: dt.date) -> dict[str, Any]:
    """A large pothole in a bike lane, at a street address (city 311)."""
    return {
        "problem_type": "pothole",
        "pothole_size": "large",
        "in_bike_lane": True,
        "location_type": "address",
        "street_address": "1200 Main St",
        "wants_updates": False,
    }


#: service id -> (form id, answers)
SAMPLE_SERVICES = {
    "license-renewal": ("driver-license-renewal", license_renewal),
    "birth-certificate": ("birth-certificate", birth_certificate),
    "report-pothole": ("report-street-problem", street_problem),
}
