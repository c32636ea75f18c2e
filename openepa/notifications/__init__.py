"""Notifications: the emails of each step of the EPA journey, written to an outbox and
sent by the background worker.

How an email comes about:

1. An action appends a JourneyEvent (openepa.enrolments.journey.record or transition).
   When its transaction commits, and only then, the task ``notify_for_event(event_id)`` is
   queued if the event's action is in the table below.
2. The worker (``manage.py db_worker``; ``make run`` starts one) runs it: it looks the
   action up in ``kinds.NOTICES``, resolves each notice's audiences to addresses
   (``recipients``), renders the kind's templates and writes one OutboxMessage per kind and
   recipient (``compose``). The message's unique key makes this idempotent.
3. ``send_messages(ids)`` sends the event's messages as one batch over one mailer connection
   (``send_message(message_id)`` a single one or a retry), each claimed, sent (``mailer``)
   and recorded on its own; a
   failure is retried with backoff and shows on the admins' outbox page (/notifications/
   outbox/), where it can be sent again now.

Scheduled reminders (resit or retake deadline approaching; results overdue) come from the
daily scan in ``reminders`` (``manage.py send_reminders``; the worker runs it every day).

Adding a notification (e.g. for an appeal):

- one entry in ``kinds.NOTICES``::

      CaseStep.DECIDE_APPEAL: (Notice("appeal_decided", PARTIES),),

  where the key is the step your context records (its enum in ``openepa.domain.steps``)
  or a journey ``Event``, and the audiences come from ``kinds.Audience``;
- its templates in ``templates/notifications/email/``: ``appeal_decided_subject.txt``,
  ``appeal_decided.txt`` (extends ``base.txt``) and ``appeal_decided.html`` (extends
  ``base.html``); the context has the enrolment's names and link, ``reason`` (the event's
  reason) and, where the event's data names them, ``booking`` and ``result``;
- a label in ``kinds.KIND_LABELS``.
"""
