"""The console's pages, one module per page, each with its own APIRouter; `router` holds them all."""

from fastapi import APIRouter

from bot.staff.pages import (
    campaigns,
    changes,
    conversation,
    customers,
    dashboard,
    faq,
    history,
    knowledge,
    login,
    menu,
    more,
    queue,
    replies,
    reservations,
    reviews,
    simulator,
    store,
    unanswered,
)

ROUTERS = (login.router, queue.router, conversation.router, history.router, replies.router, reservations.router, knowledge.router, unanswered.router,
           simulator.router, dashboard.router, more.router, menu.router, faq.router, store.router, changes.router,
           customers.router, campaigns.router, reviews.router)
router = APIRouter()
for _page in ROUTERS:
    router.include_router(_page)
