"""The GOV.UK component tags render the design system's markup, so a page reads as a list
of components."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse, set_script_prefix


def render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_a_summary_list_of_rows_with_a_change_link():
    html = render(
        '{% summary_list %}{% summary_row key="Standard" %}<b>{{ s }}</b>{% endsummary_row %}'
        '{% summary_row key="Employer" value=e change_url="/e" %}{% endsummary_row %}'
        "{% endsummary_list %}",
        s="ST0072",
        e="Harbour <Bank>",
    )
    assert html.startswith('<dl class="govuk-summary-list">')
    assert '<dt class="govuk-summary-list__key">Standard</dt>' in html
    assert '<dd class="govuk-summary-list__value"><b>ST0072</b></dd>' in html
    # Values passed as arguments are escaped; the row without a link says so.
    assert "Harbour &lt;Bank&gt;" in html
    assert "govuk-summary-list__row--no-actions" in html
    assert (
        '<a class="govuk-link" href="/e">Change<span class="govuk-visually-hidden"> employer'
        in html
    )


def test_a_table_that_stacks_on_a_phone_labels_every_cell():
    html = render(
        '{% table caption="Bookings" columns="Apprentice|Marks#" stack=True %}'
        '{% row %}{% cell label="Apprentice" header=True %}Ann{% endcell %}'
        '{% cell label="Marks" numeric=True %}7{% endcell %}{% endrow %}{% endtable %}'
    )
    assert '<table class="govuk-table app-table--stack">' in html
    assert "govuk-table__caption--m" in html
    assert "Bookings" in html
    assert '<th scope="col" class="govuk-table__header">Apprentice</th>' in html
    assert 'class="govuk-table__header govuk-table__header--numeric">Marks</th>' in html
    assert '<th scope="row" class="govuk-table__header" data-label="Apprentice">Ann</th>' in html
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric" data-label="Marks">7</td>' in html
    )


def test_tags_buttons_and_text_components():
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in render(
        '{% tag text="Overdue" colour=s|tag_colour %}', s="overdue"
    )
    assert '<strong class="govuk-tag">Planning</strong>' in render(
        '{% tag text="Planning" colour=s|tag_colour %}', s="planning"
    )
    button = render('{% button text="Save" variant="secondary" name="intent" value="save" %}')
    assert 'class="govuk-button govuk-button--secondary" data-module="govuk-button"' in button
    assert 'name="intent" value="save"' in button
    link = render('{% button text="Start" href="/go" %}')
    assert '<a href="/go" role="button" draggable="false" class="govuk-button"' in link
    assert '<div class="govuk-inset-text">Note</div>' in render(
        "{% inset_text %}Note{% endinset_text %}"
    )
    details = render('{% details summary="Help" %}Text{% enddetails %}')
    assert '<span class="govuk-details__summary-text">Help</span>' in details
    assert '<div class="govuk-details__text">Text</div>' in details
    banner = render(
        '{% notification_banner success=True heading="Saved" %}{% endnotification_banner %}'
    )
    assert "govuk-notification-banner--success" in banner
    assert 'role="alert"' in banner
    assert ">Success</h2>" in banner
    assert "Saved" in banner


def test_a_task_list_shows_each_task_and_its_status():
    html = render(
        '{% task_list %}{% task id="evidence" name="Evidence" href="/e" status="Incomplete" '
        'colour="blue" %}{% task id="send" name="Send" status="Cannot start yet" %}'
        "{% endtask_list %}"
    )
    assert html.startswith('<ul class="govuk-task-list">')
    assert 'href="/e" aria-describedby="evidence-status"' in html
    assert '<strong class="govuk-tag govuk-tag--blue">Incomplete</strong>' in html
    assert "govuk-task-list__status--cannot-start-yet" in html


def test_pagination_keeps_the_query_and_marks_the_current_page():
    page = Paginator(list(range(100)), 10).page(5)
    request = RequestFactory().get("/list", {"state": "planning", "page": "5"})
    html = render("{% pagination page %}", page=page, request=request)
    assert '<nav class="govuk-pagination" aria-label="Pages">' in html
    assert 'href="?state=planning&amp;page=4" rel="prev"' in html
    assert 'href="?state=planning&amp;page=6" rel="next"' in html
    assert 'aria-label="Page 5" aria-current="page"' in html
    assert "govuk-pagination__item--ellipses" in html
    assert "Showing 41 to 50 of 100." in html
    one = render("{% pagination page %}", page=Paginator([1], 10).page(1), request=request)
    assert "govuk-pagination" not in one


def test_dates_read_in_words():
    moment = dt.datetime(2027, 3, 3, 23, 30, tzinfo=dt.UTC)
    assert render("{{ d|long_date }}", d=dt.date(2027, 3, 3)) == "3 March 2027"
    # In England (GMT in March) 23:30 UTC is still 3 March; in summer it is the next day.
    assert render("{{ d|long_datetime }}", d=moment) == "3 March 2027 at 23:30"
    summer = dt.datetime(2027, 7, 3, 23, 30, tzinfo=dt.UTC)
    assert render("{{ d|long_date }}", d=summer) == "4 July 2027"
    assert render("{{ d|long_date }}", d=None) == ""
    assert ZoneInfo("Europe/London")


def test_check_your_answers_and_a_summary_card():
    html = render(
        '{% check_answers declaration="By sending this you confirm the evidence is true." %}'
        '{% summary_row key="Gateway meeting" change_url="/g#id_gateway_date_day" %}3 March 2027'
        "{% endsummary_row %}{% endcheck_answers %}"
    )
    assert '<h2 class="govuk-heading-m">Check your answers</h2>' in html
    assert "govuk-summary-list__actions" in html
    assert 'href="/g#id_gateway_date_day">Change' in html
    assert "Now send your answers" in html
    card = render(
        '{% summary_card title="Practical observation" action_url="/b" action_text="Open" %}'
        '{% summary_row key="When" %}3 March 2027{% endsummary_row %}{% endsummary_card %}'
    )
    assert '<h2 class="govuk-summary-card__title">Practical observation</h2>' in card
    assert '<dl class="govuk-summary-list">' in card


def test_a_row_link_is_the_url_reverse_gives_under_any_script_prefix():
    """`id_url` reverses a view's URL once and puts each row's id in it: the same link as
    `{% url %}`, also when OpenEPA is served under a path (SCRIPT_NAME)."""
    source = (
        '{{ pk|id_url:"cases:case" }} {% url "cases:case" pk %} {{ pk|id_url:"bookings:detail" }}'
    )
    try:
        for prefix in ("/", "/epa/"):
            set_script_prefix(prefix)
            for pk in (1, 7, 918273645, 20260101):
                case, by_tag, booking = render(source, pk=pk).split()
                assert case == by_tag == reverse("cases:case", args=[pk])
                assert case == f"{prefix}cases/{pk}/"
                assert booking == reverse("bookings:detail", args=[pk])
        with pytest.raises(NoReverseMatch):  # as {% url %}: the queue's URL takes no id
            render('{{ 1|id_url:"cases:queue" }}')
    finally:
        set_script_prefix("/")
