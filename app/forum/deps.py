"""What the forum's pages and API share from the request."""

from __future__ import annotations

from fastapi import Request

from app.forum.subscriptions import TopicLink
from app.templating import absolute_url


def topic_link(request: Request) -> TopicLink:
    """A topic's full address, for mails."""
    return lambda cohort, topic_id: absolute_url(request, "topic_page", cohort=cohort,
                                                 topic_id=str(topic_id))
