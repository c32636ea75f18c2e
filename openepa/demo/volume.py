"""The demo at volume: `openepa demo --apprentices N --fast` builds 100,000 apprentices in
minutes, by replaying a few hundred template stories and copying their rows.

**Why copies.** Replaying a story runs every action of it (registration, gateway, bookings,
marking sheets, IQA, results, certificate requests) on the day it happened: about ten
apprentices a second, so hours for 100,000. Here only the first `TEMPLATES` apprentices are
replayed that way (`openepa.demo.do_seed_demo`, the same stories as the ordinary demo, in
every journey state); every other apprentice is a copy of one of them, written with bulk
inserts (COPY on PostgreSQL, as a bulk load: `openepa.demo.bulk`).

**What a copy is.** Copy `c` of template apprentice `t` is a new apprentice (a new ULN with
a valid check digit, a new name, date of birth and email) with every row the template's
story wrote: enrolment, journey events, gateway submissions, planning meetings, bookings and
the assessor's five-minute slots, marking sheets and their judgements, IQA samples and
reviews, results, reasonable adjustments, cases, certificate export batches. Ids are
allocated in blocks, one per copy, and every foreign key, every id inside a journey event's
data, a result's attempt list and a certificate request's body points at the copy's own rows.
The dates are the template's: every copy's story happened on the same days as its
template's, so the timelines obey the same rules (notice periods, results due dates) that
the replay checked. The people change: copy `c` is assessed by its own team of assessors
(assessor `i` of the templates becomes assessor `i` of team `c`, so no assessor is ever
booked twice at a time), and its employers and providers are spread over the demo's (one
employer per 70 apprentices, one provider per 250, each with a login).

**What a copy keeps from its template.** The IQA sampling decision (sampled or not, and the
recorded draw and explanation) is the template's: the draw of a copied decision is not
recomputed from the copy's ids. A copy's gateway documents name the template's stored files
(read-only once saved), so a copy opens the same small PDF as its template. Everything else follows from the rows and is checked by
`openepa.demo.check` (`openepa check-demo`): a sample of enrolments, their timelines against
the journey's transition table, their results against the domain's grading of their sheets,
and every row of theirs pointing at the same enrolment.

A model added later that points (directly or through another copied row) at an enrolment is
copied too, column by column; a column that has to differ between copies (a unique one, or
one derived from the apprentice's name) must be added to `PATCHES` below, or the copy fails
on the database's unique constraint rather than writing wrong data.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

from openepa.accounts.models import Membership, Role, User
from openepa.assessors.models import AssessorProfile, Attendance, ProfileEvent
from openepa.certificates.models import ExportBatch, ExportedRecord
from openepa.demo.bulk import bulk_load
from openepa.demo.people import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    Cast,
    DemoLogin,
    Scale,
    demo_email,
    extra_assessor,
    extra_organisation,
    org_user_local,
)
from openepa.domain.uln import make_uln
from openepa.enrolments.models import Apprentice, Enrolment
from openepa.organisations.models import Organisation

#: How many apprentices are replayed through the real actions; the rest are their copies.
TEMPLATES = 250
#: Rows sent to SQLite per INSERT batch.
SQLITE_BATCH = 5_000

#: Rows never copied: emails (the demo's stories send none; account emails have no
#: enrolment) are not part of an apprentice's state; a stored rendering of a result's
#: document names the template's apprentice, so a copy's is rendered when first asked for.
#: ReadyResult is kept by the database, not copied: the bulk load adds the copies' rows.
NOT_COPIED = {
    "notifications.OutboxMessage",
    "documents.StoredDocument",
    "certificates.ReadyResult",
}

GIVEN = (
    "Ada", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hari", "Isla", "Jack", "Kemi",
    "Liam", "Maya", "Noah", "Olu", "Priya", "Rhys", "Sana", "Theo", "Zara", "Amir", "Bea",
    "Cal", "Dina", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jade", "Kofi", "Lena", "Milo",
    "Nell", "Omar", "Pia", "Raj", "Suki", "Tom", "Una", "Vik", "Wes", "Yara", "Zain",
)  # fmt: skip
FAMILY = (
    "Lovelace", "Okafor", "Patel", "Smith", "Nguyen", "Jones", "Evans", "Khan", "Brown",
    "Wilson", "O'Neill", "Davies", "Hughes", "Ali", "Taylor", "Murphy", "Roberts", "Walker",
    "Wright", "Thompson", "White", "Edwards", "Green", "Hall", "Wood", "Harris", "Clarke",
    "Jackson", "Turner", "Hill", "Moore", "Cooper", "Ward", "Morris", "King", "Watson",
    "Baker", "Harrison", "Morgan", "Begum", "Chen", "Kowalski", "Mensah", "Shah", "Reid",
    "Price", "Bennett", "Gray", "Rahman", "Fraser",
)  # fmt: skip


class VolumeError(RuntimeError):
    """The database holds a demo the fast mode cannot extend."""


@dataclass
class Table:
    """One model's template rows and how each of its columns changes in a copy."""

    model: type[models.Model]
    attnames: list[str]
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    #: The template enrolment each row belongs to.
    owners: list[int] = field(default_factory=list)
    #: (column index, kind, target table's model) for every foreign key.
    links: list[tuple[int, str, type[models.Model] | None]] = field(default_factory=list)
    #: Template pk → its rank among the table's template rows.
    ranks: dict[int, int] = field(default_factory=dict)
    #: The largest pk in the table before copying.
    base: int = 0


def cloned_models() -> list[type[models.Model]]:
    """Every model whose rows belong to an enrolment: those pointing at an enrolment or an
    apprentice, and (repeatedly) at such rows. Parents come before children. (The export
    batches their records are in are copied too, see `_load`.)"""
    chosen: set[type[models.Model]] = {Apprentice, Enrolment}
    candidates = [
        m for m in apps.get_models(include_auto_created=True) if m._meta.label not in NOT_COPIED
    ]
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model not in chosen and {f.related_model for f in _fks(model)} & chosen:
                chosen.add(model)
                changed = True
    ordered: list[type[models.Model]] = []

    def visit(model: type[models.Model]) -> None:
        if model in ordered:
            return
        for f in _fks(model):
            if f.related_model in chosen and f.related_model is not model:
                visit(f.related_model)
        ordered.append(model)

    for model in sorted(chosen, key=lambda m: m._meta.label):
        visit(model)
    return ordered


def _fks(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


@dataclass
class People:
    """Who a copy's rows name: for copy c, each template user and organisation's stand-in."""

    users: list[dict[int, int]]
    orgs: list[dict[int, int]]
    #: Every employer's address fields, by id (a certificate request goes to the employer).
    employer_fields: dict[int, dict[str, str]]


@dataclass
class Person:
    uln: str
    given_name: str
    family_name: str
    date_of_birth: date
    email: str


def do_seed_volume(
    *,
    apprentices: int,
    cast: Cast,
    seed: int,
    templates: int = TEMPLATES,
    progress: Callable[[str], None] | None = None,
) -> list[DemoLogin]:
    """Copy the template apprentices already replayed until the demo EPAO has
    `apprentices`. One transaction: an interrupted copy leaves the templates only."""
    say = progress or (lambda _message: None)
    epao = cast.epao
    existing = list(
        Enrolment.objects.filter(epao=epao).order_by("id").values_list("id", "apprentice_id")
    )
    if len(existing) >= apprentices:
        return cast.logins
    if len(existing) != templates:
        raise VolumeError(
            f"--fast copies the first {templates} demo apprentices into an otherwise empty "
            f"demo EPAO; this one has {len(existing)}. Build it in a new database."
        )
    wanted = apprentices - templates
    copies = math.ceil(wanted / templates)
    rng = random.Random(seed * 7919 + apprentices)
    with transaction.atomic():
        people = _people(cast, copies, Scale.of(apprentices))
        say(f"people: {copies} copies of {templates} templates, each copy with its own assessors")
        tables = _load(existing)
        persons = _persons(wanted, templates, rng)
        copier = Copier(tables, existing, people, persons, copies, wanted)
        with bulk_load([t.model for t in tables], say):
            for table in tables:
                written = copier.write(table)
                say(f"{table.model._meta.label}: {written} rows")
        _reset_sequences([t.model for t in tables])
    say("committed")
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner, and the visibility map, as autovacuum would give
        # them later: without it the planner costs an index-only scan as reading the table.
        # VACUUM cannot run inside a transaction (a test's): then the statistics only. Every
        # table, not only the copied ones: the people, organisations, assessor profiles and
        # kept counts made above had none, and the planner guessed a dozen assessor profiles
        # for an EPAO that has 4,000 (a hash join and a sort of every profile event).
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(command)
        say("analysed")
    return cast.logins


def _people(cast: Cast, copies: int, scale: Scale) -> People:
    """The assessors, employers and providers the copies need (created in bulk when
    missing) and, for each copy, who stands in for each template person."""
    epao = cast.epao
    team = list(cast.assessors)
    needed = max(scale.assessors, len(team) * (copies + 1))
    password = make_password(DEMO_PASSWORD)
    locals_ = [extra_assessor(n) for n in range(len(team) + 1, needed + 1)]
    assessors = team + _users(locals_, password)
    _memberships(assessors[len(team) :], epao, Role.ASSESSOR)
    _profiles(assessors[len(team) :], cast)
    pools: dict[str, list[Organisation]] = {}
    for kind, named, count, role in (
        (Organisation.Kind.EMPLOYER, cast.employers, scale.employers, Role.EMPLOYER),
        (Organisation.Kind.PROVIDER, cast.providers, scale.providers, Role.PROVIDER),
    ):
        extra = [extra_organisation(kind, n) for n in range(len(named), count)]
        have = {o.name: o for o in Organisation.objects.filter(kind=kind)}
        Organisation.objects.bulk_create(
            [Organisation(name=n, kind=kind, **a) for n, a in extra if n not in have]
        )
        have = {o.name: o for o in Organisation.objects.filter(kind=kind)}
        pool = list(named) + [have[n] for n, _ in extra]
        users = _users(
            [(org_user_local(kind, n), o.contact_name or o.name) for n, o in enumerate(pool)],
            password,
        )
        _memberships(users, None, role, orgs=pool)
        pools[kind] = pool
    org_user = {
        m.organisation_id: m.user_id
        for m in Membership.objects.filter(role__in=[Role.EMPLOYER, Role.PROVIDER]).order_by("-id")
    }
    user_maps: list[dict[int, int]] = []
    org_maps: list[dict[int, int]] = []
    for c in range(copies + 1):
        stand_ins = {a.pk: assessors[c * len(team) + i].pk for i, a in enumerate(team)}
        orgs: dict[int, int] = {}
        for kind, named in (
            (Organisation.Kind.EMPLOYER, cast.employers),
            (Organisation.Kind.PROVIDER, cast.providers),
        ):
            pool = pools[kind]
            for j, org in enumerate(named):
                stand_in = pool[(c * len(named) + j) % len(pool)]
                orgs[org.pk] = stand_in.pk
                stand_ins[org_user[org.pk]] = org_user[stand_in.pk]
        user_maps.append(stand_ins)
        org_maps.append(orgs)
    fields = ("contact_name", "department", "name", "address_line1", "address_line2")
    more = ("address_line3", "city", "postcode")
    employer_fields = {
        o["id"]: o
        for o in Organisation.objects.filter(kind=Organisation.Kind.EMPLOYER).values(
            "id", *fields, *more
        )
    }
    return People(user_maps, org_maps, employer_fields)


def _users(people: Sequence[tuple[str, str]], password: str) -> list[User]:
    emails = [demo_email(local) for local, _ in people]
    have = {u.email: u for u in User.objects.filter(email__in=emails)}
    User.objects.bulk_create(
        [
            User(email=demo_email(local), full_name=name, password=password)
            for local, name in people
            if demo_email(local) not in have
        ],
        batch_size=1000,
    )
    have = {u.email: u for u in User.objects.filter(email__in=emails)}
    return [have[e] for e in emails]


def _memberships(
    users: Sequence[User],
    org: Organisation | None,
    role: str,
    orgs: Sequence[Organisation] = (),
) -> None:
    pairs = [(u, org or orgs[i]) for i, u in enumerate(users)]
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=o, role=role) for u, o in pairs],
        ignore_conflicts=True,
        batch_size=1000,
    )


def _profiles(assessors: Sequence[User], cast: Cast) -> None:
    """A profile for each new assessor like the first demo assessor's: the same details,
    the same history and the same standardisation attended."""
    template = AssessorProfile.objects.get(user=cast.assessors[0], epao=cast.epao)
    have = set(
        AssessorProfile.objects.filter(epao=cast.epao, user__in=assessors).values_list(
            "user_id", flat=True
        )
    )
    values = _values(AssessorProfile, AssessorProfile.objects.filter(pk=template.pk))[0]
    new = [u for u in assessors if u.pk not in have]
    made = AssessorProfile.objects.bulk_create(
        [AssessorProfile(**{**values, "id": None, "user_id": u.pk}) for u in new],
        batch_size=1000,
    )
    if not made:
        return
    if made[0].pk is None:  # SQLite before returning ids: look them up
        made = list(AssessorProfile.objects.filter(user__in=new, epao=cast.epao))
    events = _values(ProfileEvent, ProfileEvent.objects.filter(profile=template))
    ProfileEvent.objects.bulk_create(
        [ProfileEvent(**{**r, "id": None, "profile_id": p.pk}) for p in made for r in events],
        batch_size=2000,
    )
    attended = _values(Attendance, Attendance.objects.filter(profile=template))
    Attendance.objects.bulk_create(
        [Attendance(**{**r, "id": None, "profile_id": p.pk}) for p in made for r in attended],
        batch_size=2000,
    )


def _values(model: type[models.Model], queryset: Any) -> list[dict[str, Any]]:
    names = [f.attname for f in model._meta.concrete_fields]
    return [dict(zip(names, row, strict=True)) for row in queryset.values_list(*names)]


def _load(templates: list[tuple[int, int]]) -> list[Table]:
    """Every template row of every copied model, with the enrolment it belongs to."""
    enrolment_of_apprentice = {a: e for e, a in templates}
    owner_of: dict[type[models.Model], dict[int, int]] = {
        Enrolment: {e: e for e, _ in templates},
        Apprentice: enrolment_of_apprentice,
    }
    tables: list[Table] = []
    batches: dict[int, int] = {}
    for model in cloned_models():
        concrete = model._meta.concrete_fields
        table = Table(model, _attnames(concrete), _columns(concrete))
        pk_index = table.attnames.index(model._meta.pk.attname)
        for i, f in enumerate(concrete):
            if not isinstance(f, models.ForeignKey):
                continue
            target = f.remote_field.model
            assert isinstance(target, type)
            if target is User:
                table.links.append((i, "user", None))
            elif target is Organisation:
                table.links.append((i, "org", None))
            elif target in owner_of or target is ExportBatch or target is model:
                table.links.append((i, "row", target))
        rows = [list(r) for r in model._default_manager.order_by("pk").values_list(*table.attnames)]
        owners = owner_of.setdefault(model, {})
        for row in rows:
            pk = row[pk_index]
            owner = owners.get(pk)
            if owner is None:
                for i, kind, parent in table.links:
                    if kind == "row" and parent is not None and parent is not model:
                        owner = owner_of.get(parent, {}).get(row[i])
                        if owner is not None:
                            break
            if owner is None:
                continue  # not an enrolment's row (an account email, a shared row)
            owners[pk] = owner
            table.ranks[pk] = len(table.rows)
            table.rows.append(row)
            table.owners.append(owner)
        table.base = (
            model._default_manager.aggregate(top=models.Max(model._meta.pk.attname))["top"] or 0
        )
        if model is ExportedRecord:
            # A batch belongs to the enrolment of its records (the demo exports one at a time).
            batch_at = table.attnames.index("batch_id")
            for row, owner in zip(table.rows, table.owners, strict=True):
                batches[row[batch_at]] = owner
        if table.rows:
            tables.append(table)
    if batches:
        # Export batches belong to no enrolment themselves: each is copied with its records.
        at = next(i for i, t in enumerate(tables) if t.model is ExportedRecord)
        tables.insert(at, _load_batches(batches))
    return tables


def _attnames(fields: Sequence[models.Field[Any, Any]]) -> list[str]:
    return [f.attname for f in fields]


def _columns(fields: Sequence[models.Field[Any, Any]]) -> list[str]:
    return [f.column or f.attname for f in fields]


def _load_batches(batches: dict[int, int]) -> Table:
    concrete = ExportBatch._meta.concrete_fields
    table = Table(ExportBatch, _attnames(concrete), _columns(concrete))
    for i, f in enumerate(concrete):
        if isinstance(f, models.ForeignKey):
            table.links.append((i, "user" if f.related_model is User else "org", None))
    for row in (
        ExportBatch.objects.filter(pk__in=batches).order_by("pk").values_list(*table.attnames)
    ):
        table.ranks[row[0]] = len(table.rows)
        table.rows.append(list(row))
        table.owners.append(batches[row[0]])
    table.base = ExportBatch.objects.aggregate(top=models.Max("id"))["top"] or 0
    return table


def _persons(count: int, offset: int, rng: random.Random) -> list[Person]:
    """`count` new apprentices: ULNs with valid check digits, not used yet, and names."""
    used = set(Apprentice.objects.values_list("uln", flat=True))
    out: list[Person] = []
    prefix = rng.randint(100_000_000, 899_999_999)
    while len(out) < count:
        prefix += 1
        uln = make_uln(str(prefix))
        if not uln or uln in used:
            continue
        used.add(uln)
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        index = offset + len(out)
        email = f"{given}.{family}.{index}@{DEMO_DOMAIN}".lower().replace("'", "")
        born = date(2000 + rng.randint(0, 8), rng.randint(1, 12), rng.randint(1, 28))
        out.append(Person(uln, given, family, born, email))
    return out


#: Keys of a journey event's data that hold the id of another copied row.
EVENT_IDS = {
    "submission": "gateway.GatewaySubmission",
    "meeting": "bookings.PlanningMeeting",
    "booking": "bookings.Booking",
    "booking_id": "bookings.Booking",
    "sample": "quality.IqaSample",
    "result_id": "results.OverallResult",
    "batch_id": "certificates.ExportBatch",
    "adjustment_id": "cases.ReasonableAdjustment",
    "special_consideration_id": "cases.SpecialConsideration",
    "case_id": "cases.Case",
    "attempt_id": "assessments.Attempt",
    "amendment_id": "assessments.Amendment",
    "service_record_id": "certificates.ServiceRecord",
    "evidence": "evidence.EvidenceFile",
}
#: Keys that hold a user's id, or a list of them.
EVENT_USERS = {"assessor", "reviewer_id", "panel_ids"}
RESULT_REQUEST = re.compile(r"^openepa-result-(\d+)$")
SERVICE_REQUEST = re.compile(r"^openepa-(\d+)-(\d+)$")


class Copier:
    def __init__(
        self,
        tables: list[Table],
        templates: list[tuple[int, int]],
        people: People,
        persons: list[Person],
        copies: int,
        wanted: int,
    ) -> None:
        self.tables = {t.model._meta.label: t for t in tables}
        self.by_model = {t.model: t for t in tables}
        self.people = people
        self.persons = persons
        self.copies = copies
        #: Template enrolment → its rank; the last copy takes only the first few.
        self.rank = {e: i for i, (e, _) in enumerate(templates)}
        self.count = len(templates)
        self.wanted = wanted

    # Ids -----------------------------------------------------------------------------

    def new_id(self, model: type[models.Model] | str, c: int, old: int) -> int:
        table = self.tables[model] if isinstance(model, str) else self.by_model[model]
        return table.base + (c - 1) * len(table.rows) + table.ranks[old] + 1

    def maybe_id(self, label: str, c: int, old: Any) -> Any:
        table = self.tables.get(label)
        if table is None or not isinstance(old, int) or old not in table.ranks:
            return old
        return self.new_id(label, c, old)

    def person(self, c: int, enrolment: int) -> Person:
        return self.persons[(c - 1) * self.count + self.rank[enrolment]]

    # Writing ---------------------------------------------------------------------------

    def copy_rows(self, table: Table) -> Iterable[list[Any]]:
        pk_at = table.attnames.index(table.model._meta.pk.attname)
        patch = PATCHES.get(table.model._meta.label)
        index = {name: i for i, name in enumerate(table.attnames)}
        owner_ranks = [self.rank[owner] for owner in table.owners]
        for c in range(1, self.copies + 1):
            limit = min(self.count, self.wanted - (c - 1) * self.count)
            # Per link: where the copy's ids of the target start, and the targets' ranks
            # (a user's or organisation's stand-in: its id in the map, no offset).
            links: list[tuple[int, int, dict[int, int]]] = []
            for i, kind, target in table.links:
                if kind == "user":
                    links.append((i, 0, self.people.users[c]))
                elif kind == "org":
                    links.append((i, 0, self.people.orgs[c]))
                elif (parent := self.by_model.get(target)) is not None:  # type: ignore[arg-type]
                    links.append((i, parent.base + (c - 1) * len(parent.rows) + 1, parent.ranks))
                # else: a model with no template rows, so the column is empty in every row
            base = table.base + (c - 1) * len(table.rows) + 1
            for rank, row in enumerate(table.rows):
                if owner_ranks[rank] >= limit:
                    continue
                out = list(row)
                out[pk_at] = base + rank
                for i, offset, mapping in links:
                    value = out[i]
                    if value is None:
                        continue
                    if offset:
                        out[i] = offset + mapping[value]
                    else:
                        out[i] = mapping.get(value, value)
                if patch is not None:
                    patch(self, out, index, c, table.owners[rank])
                yield out

    def write(self, table: Table) -> int:
        by_attname = {f.attname: f for f in table.model._meta.concrete_fields}
        fields = [by_attname[a] for a in table.attnames]
        json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        rows = self.copy_rows(table)
        name = table.model._meta.db_table
        if connection.vendor == "postgresql":
            return _copy_postgresql(name, table.columns, rows, json_at)
        return _insert(name, table.columns, fields, rows)


def _copy_postgresql(
    name: str, columns: list[str], rows: Iterable[list[Any]], json_at: list[int]
) -> int:
    from psycopg import sql

    written = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(name), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
        )
        with raw.copy(statement) as copy:
            for row in rows:
                for i in json_at:
                    row[i] = json.dumps(row[i])
                copy.write_row(row)
                written += 1
    return written


def _insert(
    name: str, columns: list[str], fields: list[models.Field[Any, Any]], rows: Iterable[list[Any]]
) -> int:
    quote = connection.ops.quote_name
    statement = (
        f"INSERT INTO {quote(name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    written = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(
                [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
            )
            if len(batch) >= SQLITE_BATCH:
                cursor.executemany(statement, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)
            written += len(batch)
    return written


def _reset_sequences(model_list: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


# Columns that differ between copies ------------------------------------------------------

type Patch = Callable[[Copier, list[Any], dict[str, int], int, int], None]


def _apprentice(copier: Copier, row: list[Any], at: dict[str, int], c: int, owner: int) -> None:
    person = copier.person(c, owner)
    row[at["uln"]] = person.uln
    row[at["given_name"]] = person.given_name
    row[at["family_name"]] = person.family_name
    row[at["date_of_birth"]] = person.date_of_birth
    row[at["email"]] = person.email
    row[at["user_id"]] = None  # only the first demo apprentice has a login


def _event(copier: Copier, row: list[Any], at: dict[str, int], c: int, owner: int) -> None:
    data = row[at["data"]]
    if not data:
        return
    data = dict(data)
    users = copier.people.users[c]
    for key, value in data.items():
        if key in EVENT_IDS:
            data[key] = copier.maybe_id(EVENT_IDS[key], c, value)
        elif key == "superseded_attempt_ids" and isinstance(value, list):
            data[key] = [copier.maybe_id("assessments.Attempt", c, v) for v in value]
        elif key == "attempt" and "starts_at" not in data:
            # A booking's events name its attempt number; the others an attempt's id.
            data[key] = copier.maybe_id("assessments.Attempt", c, value)
        elif key in EVENT_USERS:
            if isinstance(value, list):
                data[key] = [users.get(v, v) for v in value]
            else:
                data[key] = users.get(value, value)
        elif key == "request_id" and isinstance(value, str):
            data[key] = _request(copier, value, c)
    row[at["data"]] = data


def _request(copier: Copier, value: str, c: int) -> str:
    if found := RESULT_REQUEST.match(value):
        return f"openepa-result-{copier.maybe_id('results.OverallResult', c, int(found[1]))}"
    if found := SERVICE_REQUEST.match(value):
        enrolment = copier.maybe_id("enrolments.Enrolment", c, int(found[1]))
        return f"openepa-{enrolment}-{found[2]}"
    return value


def _result(copier: Copier, row: list[Any], at: dict[str, int], c: int, owner: int) -> None:
    row[at["attempt_ids"]] = sorted(
        copier.maybe_id("assessments.Attempt", c, a) for a in row[at["attempt_ids"]]
    )
    methods = {}
    for name, method in row[at["methods"]].items():
        method = dict(method)
        if "attempt_id" in method:
            method["attempt_id"] = copier.maybe_id("assessments.Attempt", c, method["attempt_id"])
        methods[name] = method
    row[at["methods"]] = methods


def _body(copier: Copier, body: Any, c: int, owner: int) -> Any:
    """A request to the assessment service about the copy's apprentice: its request id,
    learner and (a certificate's) postal contact."""
    if isinstance(body, list):
        return [_body(copier, item, c, owner) for item in body]
    if not isinstance(body, dict):
        return body
    person = copier.person(c, owner)
    out = dict(body)
    if "requestId" in out:
        out["requestId"] = _request(copier, out["requestId"], c)
    if "learner" in out:
        out["learner"] = {**out["learner"], "uln": int(person.uln)}
        out["learner"]["familyName"] = person.family_name
    if "uln" in out:
        out["uln"] = int(person.uln)
        out["familyName"] = person.family_name
    if "postalContact" in out and not copier.by_model.get(_postal_contact()):
        out["postalContact"] = _employer_contact(copier, c, owner)
    return out


def _postal_contact() -> type[models.Model]:
    return apps.get_model("certificates", "PostalContact")


def _employer_contact(copier: Copier, c: int, owner: int) -> dict[str, Any]:
    """As openepa.certificates.records.postal_contact writes it from the employer."""
    table = copier.by_model[Enrolment]
    row = table.rows[table.ranks[owner]]
    employer = row[table.attnames.index("employer_id")]
    e = copier.people.employer_fields[copier.people.orgs[c].get(employer, employer)]
    fields = {
        "contactName": e["contact_name"],
        "department": e["department"],
        "organisation": e["name"],
        "addressLine1": e["address_line1"],
        "addressLine2": e["address_line2"],
        "addressLine3": e["address_line3"],
        "city": e["city"],
        "postCode": e["postcode"],
    }
    optional = {"department", "organisation", "addressLine2", "addressLine3"}
    return {k: (v.strip() or None) if k in optional else v.strip() for k, v in fields.items()}


def _batch(copier: Copier, row: list[Any], at: dict[str, int], c: int, owner: int) -> None:
    payload = json.loads(row[at["payload"]])
    row[at["payload"]] = json.dumps(_body(copier, payload, c, owner), indent=2)


def _exported(copier: Copier, row: list[Any], at: dict[str, int], c: int, owner: int) -> None:
    row[at["request_id"]] = _request(copier, row[at["request_id"]], c)


def _service(copier: Copier, row: list[Any], at: dict[str, int], c: int, owner: int) -> None:
    row[at["request_id"]] = _request(copier, row[at["request_id"]], c)
    row[at["body"]] = _body(copier, row[at["body"]], c, owner)
    if isinstance(row[at["subject"]], str) and row[at["subject"]].startswith("result-"):
        old = int(row[at["subject"]].removeprefix("result-"))
        row[at["subject"]] = f"result-{copier.maybe_id('results.OverallResult', c, old)}"


#: Per model, the columns a copy changes beyond its keys (see the module's docstring).
PATCHES: dict[str, Patch] = {
    "enrolments.Apprentice": _apprentice,
    "enrolments.JourneyEvent": _event,
    "results.OverallResult": _result,
    "certificates.ExportBatch": _batch,
    "certificates.ExportedRecord": _exported,
    "certificates.ServiceRecord": _service,
}
