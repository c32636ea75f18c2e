"""The HTTP client of the Apprenticeship Assessment Service API for EPAOs: one call, its
answer read as the service gives it (Controllers/EpaController.cs and
CertificateController.cs of SkillsFundingAgency/das-assessor-service):

- 200 with a list, one item per request: ``requestId`` and either the record
  (``epaReference``, or ``certificate.certificateData.certificateReference``) or
  ``validationErrors`` — a refusal of that one item;
- 204 from a GET: the service holds nothing for that apprentice;
- 4xx with ``{"statusCode", "message"}`` (ApiResponse.cs): the whole call refused, e.g.
  403 "Batch limited to 25 requests", 401 for a wrong subscription key — not retried;
- 5xx, a timeout or no connection: `Unavailable`, which the worker retries.

Python's standard library (urllib) is enough for a JSON call a minute; no dependency.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings

from openepa.domain.jsontypes import Json

#: Azure API Management's header for the EPAO's subscription key.
KEY_HEADER = "Ocp-Apim-Subscription-Key"


class Unavailable(Exception):
    """No answer worth keeping (timeout, connection refused, 5xx): try again later."""


class NotConfigured(Exception):
    """No OPENEPA_ASSESSMENT_SERVICE_URL: nothing can be sent."""


@dataclass(frozen=True)
class Answer:
    status: int
    #: The answer's JSON as read: checked by whoever reads it (`isinstance`).
    data: object

    @property
    def refused_whole(self) -> bool:
        return 400 <= self.status < 500

    def message(self) -> str:
        """The words of a whole-call refusal (ApiResponse.message), or the status."""
        if isinstance(self.data, dict) and self.data.get("message"):
            return str(self.data["message"])
        return f"The assessment service refused the call (HTTP {self.status})."


def configured() -> bool:
    return bool(settings.OPENEPA_ASSESSMENT_SERVICE_URL)


def call(method: str, path: str, body: Json = None) -> Answer:
    """One call to the service. Raises Unavailable when it should be tried again."""
    base = settings.OPENEPA_ASSESSMENT_SERVICE_URL
    if not base:
        raise NotConfigured("OPENEPA_ASSESSMENT_SERVICE_URL is not set")
    request = urllib.request.Request(
        f"{base}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode("utf-8"),
        headers={
            KEY_HEADER: settings.OPENEPA_ASSESSMENT_SERVICE_KEY,
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    timeout = settings.OPENEPA_ASSESSMENT_SERVICE_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, _json(response.read()))
    except urllib.error.HTTPError as error:
        if error.code >= 500:
            raise Unavailable(f"HTTP {error.code} from the assessment service") from error
        return Answer(error.code, _json(error.read()))
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise Unavailable(f"No answer from the assessment service ({reason})") from error


def _json(raw: bytes) -> object:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return {"message": raw.decode("utf-8", "replace")[:500]}


def certificate_path(uln: int, family_name: str, standard: str) -> str:
    """GET /api/v1/certificate/{uln}/{familyName}/{standard}."""
    return f"/api/v1/certificate/{uln}/{quote(family_name, safe='')}/{quote(standard, safe='')}"
