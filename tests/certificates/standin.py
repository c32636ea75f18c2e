"""A local stand-in for the Apprenticeship Assessment Service API for EPAOs, started by the
tests (the real service is not reachable from here). It implements the published request
and response models and the validation rules of the service's public source code
(SkillsFundingAgency/das-assessor-service), each error response included:

- the subscription key (Azure API Management answers 401 without a valid one);
- more than 25 requests in one call: 403 {"statusCode": 403, "message": "Batch limited to
  25 requests"} (Controllers/EpaController.cs, CertificateController.cs);
- each item's body rules (openepa.domain.assessment_service, written from the validators)
  and the rules that need the service's own records: the learner must exist ("ULN,
  FamilyName and Standard not found."), a second EPA record is "EPA already provided for
  the learner", an update needs the right reference ("EPA not found"), a certificate
  twice is "Certificate already exists: <reference>", a submit twice "Certificate has
  already been submitted" (Validators/ExternalApi/Epas/*.cs, Certificates/*.cs);
- ``GET /api/v1/certificate/{uln}/{familyName}/{standard}``: 200, 204 or 403
  (GetBatchCertificateValidator.cs).

It records every call in arrival order (`calls`), can answer the next calls with a 500
(`fail_next`) or too slowly (`delay`), and keeps its records in memory.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from openepa.domain.assessment_service import (
    batch_problem,
    certificate_request_errors,
    epa_request_errors,
    latest_as_read,
    submit_request_errors,
)

KEY = "stand-in-subscription-key"


@dataclass
class Held:
    """The service's certificate row for one apprentice on one standard."""

    reference: str
    family_name: str
    epas: list[dict[str, Any]] = field(default_factory=list)
    grade: str | None = None
    achievement_date: str | None = None
    status: str = "Draft"
    postal: dict[str, Any] | None = None

    @property
    def latest_outcome(self) -> str | None:
        latest = latest_as_read(self.epas)
        return str(latest["epaOutcome"]) if latest else None


@dataclass
class Call:
    method: str
    path: str
    body: Any
    status: int


class StandIn:
    def __init__(self, today: date | None = None) -> None:
        self.today = today
        #: (uln, standard reference) -> family name: the learners the service knows (ILR).
        self.learners: dict[tuple[int, str], str] = {}
        self.held: dict[tuple[int, str], Held] = {}
        self.calls: list[Call] = []
        self.fail_next = 0
        self.delay = 0.0
        self._next = 1000
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        # shutdown() waits for the serving loop to look again: every 0.5 s by default, half a
        # second at the end of every test that starts the stand-in.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> StandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def learn(self, uln: int | str, family_name: str, standard: str = "ST0072") -> None:
        self.learners[(int(uln), standard)] = family_name

    def day(self) -> date:
        return self.today or date.today()

    # --- the endpoints ---------------------------------------------------------------

    def answer(self, method: str, path: str, key: str | None, body: Any) -> tuple[int, Any]:
        if key != KEY:
            return 401, {
                "statusCode": 401,
                "message": "Access denied due to invalid subscription key.",
            }
        if method == "GET" and path.startswith("/api/v1/certificate/"):
            return self.get_certificate(path.removeprefix("/api/v1/certificate/"))
        routes = {
            ("POST", "/api/v1/epa"): lambda item: self.epa(item, update=False),
            ("PUT", "/api/v1/epa"): lambda item: self.epa(item, update=True),
            ("POST", "/api/v1/certificate"): self.certificate,
            ("POST", "/api/v1/certificate/submit"): self.submit,
        }
        route = routes.get((method, path))
        if route is None:
            return 404, {"statusCode": 404, "message": "Not found"}
        if not isinstance(body, list):
            return 400, {"statusCode": 400, "message": "The request body must be a list."}
        too_big = batch_problem(body)
        if too_big:
            return 403, {"statusCode": 403, "message": too_big}
        with self._lock:
            return 200, [route(item) for item in body]

    def _learner(self, uln: Any, family_name: Any, standard: Any) -> tuple[int, str] | None:
        reference = standard.get("standardReference") if isinstance(standard, dict) else standard
        key = (uln, str(reference))
        known = self.learners.get(key)
        if known is None or known.lower() != (family_name or "").lower():
            return None
        return key

    def _reference(self) -> str:
        self._next += 1
        return f"{self._next:08d}"

    def epa(self, item: dict[str, Any], *, update: bool) -> dict[str, Any]:
        """Validators/ExternalApi/Epas/Create…/UpdateBatchEpaRequestValidator.cs."""
        reply: dict[str, Any] = {"requestId": item.get("requestId"), "epaReference": None}
        errors = epa_request_errors(item, today=self.day(), update=update)
        learner = item.get("learner") or {}
        key = None
        if not errors:
            key = self._learner(learner.get("uln"), learner.get("familyName"), item.get("standard"))
            if key is None:
                errors.append("ULN, FamilyName and Standard not found.")
        held = self.held.get(key) if key else None
        if not errors and not update and held is not None:
            if held.status == "Submitted" and held.grade not in (None, "Fail"):
                errors.append("Certificate already exists, cannot create EPA record")
            elif held.epas:
                errors.append("EPA already provided for the learner")
        if not errors and update:
            if held is None or held.reference.lower() != str(item["epaReference"]).lower():
                errors.append("EPA not found")
            elif held.status == "Draft" and held.grade:
                errors.append("Certificate already exists, cannot update EPA record")
        if errors or key is None:
            return {**reply, "validationErrors": errors}
        if held is None:
            held = self.held[key] = Held(self._reference(), learner["familyName"])
        held.epas = list(item["epaDetails"]["epas"])
        # A Fail or a withdrawal is final at the service ("Submitted" with grade Fail); a
        # Pass waits for the certificate request (a draft without a grade).
        if held.latest_outcome and held.latest_outcome.lower() != "pass":
            held.status, held.grade = "Submitted", "Fail"
        else:
            held.status, held.grade = "Draft", None
        return {**reply, "epaReference": held.reference, "validationErrors": []}

    def _certificate(self, key: tuple[int, str], held: Held) -> dict[str, Any]:
        return {
            "certificateData": {
                "certificateReference": held.reference,
                "standard": {"standardReference": key[1]},
                "learner": {"uln": key[0], "familyName": held.family_name},
                "learningDetails": {
                    "overallGrade": held.grade,
                    "achievementDate": f"{held.achievement_date}T00:00:00",
                },
                "postalContact": held.postal,
            },
            "status": {"currentStatus": held.status},
        }

    def certificate(self, item: dict[str, Any]) -> dict[str, Any]:
        """Validators/ExternalApi/Certificates/CreateBatchCertificateRequestValidator.cs."""
        reply: dict[str, Any] = {"requestId": item.get("requestId"), "certificate": None}
        errors = certificate_request_errors(item, today=self.day())
        learner = item.get("learner") or {}
        key = None
        if not errors:
            key = self._learner(learner.get("uln"), learner.get("familyName"), item.get("standard"))
            if key is None:
                errors.append(f"Learner details for ULN: {learner.get('uln')} not found")
        held = self.held.get(key) if key else None
        if not errors and held is not None:
            fail_resubmitted = held.status == "Submitted" and held.grade == "Fail"
            if (held.status == "Draft" and held.grade) or (
                held.status != "Draft" and not fail_resubmitted
            ):
                errors.append(f"Certificate already exists: {held.reference}")
        if errors or key is None:
            return {**reply, "validationErrors": errors}
        if held is None:
            held = self.held[key] = Held(self._reference(), learner["familyName"])
        details = item["learningDetails"]
        held.grade = details["overallGrade"]
        held.achievement_date = details["achievementDate"][:10]
        held.postal = item["postalContact"]
        held.status = "Draft"
        if not any(e["epaOutcome"].lower() == "pass" for e in held.epas):
            held.epas.insert(0, {"epaDate": held.achievement_date, "epaOutcome": "Pass"})
        return {**reply, "certificate": self._certificate(key, held), "validationErrors": []}

    def submit(self, item: dict[str, Any]) -> dict[str, Any]:
        """Validators/ExternalApi/Certificates/SubmitBatchCertificateRequestValidator.cs."""
        reply: dict[str, Any] = {"requestId": item.get("requestId"), "certificate": None}
        errors = submit_request_errors(item)
        key = None
        if not errors:
            key = self._learner(
                item.get("uln"), item.get("familyName"), item.get("standardReference")
            )
            if key is None:
                errors.append("ULN, FamilyName and Standard not found")
        held = self.held.get(key) if key else None
        if not errors:
            if held is None or held.reference.lower() != str(item["certificateReference"]).lower():
                errors.append("Certificate not found")
            elif held.status == "Submitted":
                errors.append("Certificate has already been submitted")
            elif not (held.grade and held.postal and held.achievement_date):
                errors.append("Certificate is missing mandatory data")
        if errors or key is None or held is None:
            return {**reply, "validationErrors": errors}
        held.status = "Submitted"
        return {**reply, "certificate": self._certificate(key, held), "validationErrors": []}

    def get_certificate(self, rest: str) -> tuple[int, Any]:
        """GetBatchCertificateValidator.cs and CertificateController.cs GetCertificate."""
        parts = [unquote(p) for p in rest.split("/")]
        if len(parts) != 3 or not parts[0].isdigit():
            return 403, {"statusCode": 403, "message": "ULN should contain exactly 10 numbers"}
        uln, family_name, standard = int(parts[0]), parts[1], parts[2]
        key = (uln, standard)
        held = self.held.get(key)
        if held is None:
            if self._learner(uln, family_name, standard) is None:
                return 403, {
                    "statusCode": 403,
                    "message": "Cannot find apprentice with the specified Uln, FamilyName & Standard",
                }
            return 204, None
        if held.family_name.lower() != family_name.lower():
            return 403, {
                "statusCode": 403,
                "message": "Cannot find apprentice with the specified Uln, FamilyName & Standard",
            }
        if (held.latest_outcome or "").lower() != "pass":
            return 403, {
                "statusCode": 403,
                "message": "Cannot find certificate with the specified Uln, FamilyName & Standard",
            }
        return 200, self._certificate(key, held)

    # --- HTTP --------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                if standin.delay:
                    time.sleep(standin.delay)
                if standin.fail_next > 0:
                    standin.fail_next -= 1
                    status, data = 500, {"statusCode": 500, "message": "Internal Server Error"}
                else:
                    status, data = standin.answer(
                        self.command, self.path, self.headers.get("Ocp-Apim-Subscription-Key"), body
                    )
                standin.calls.append(Call(self.command, self.path, body, status))
                payload = b"" if data is None else json.dumps(data).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if payload:
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet in the tests' output

        return Handler
