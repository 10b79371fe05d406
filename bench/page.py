"""The page in a real browser: ready to use after the server is up, a big map drawn, and how
soon a chat turn shows its first words."""

from __future__ import annotations

import time
from typing import Any

from bench.common import percentiles
from tests.ui_server import CHROMIUM, CHROMIUM_ARGS

STAGES, LANES = 10, 12  # the size the page must draw quickly

# Set the map's page into a fresh frame and time it until the frame has loaded and painted.
_DRAW = """async (html) => {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', '');
  frame.style.width = '100%'; frame.style.height = '78vh';
  document.body.appendChild(frame);
  const start = performance.now();
  await new Promise((done) => { frame.onload = done; frame.srcdoc = html; });
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const took = performance.now() - start;
  frame.remove();
  return took;
}"""

# Watch the chat for the first new words of the reply, from the moment Send is pressed.
_FIRST_WORDS = """([before]) => new Promise((done) => {
  const chat = document.querySelector('#polku-chat');
  const start = performance.now();
  const seen = new MutationObserver(() => {
    const bots = chat.querySelectorAll('.message-row.bot-row');
    if (bots.length > before && bots[bots.length - 1].innerText.trim().length > 0) {
      seen.disconnect(); done(performance.now() - start);
    }
  });
  seen.observe(chat, {childList: true, subtree: true, characterData: true});
  document.querySelector('#polku-send').click();
})"""


# The page is ready to use: the greeting has its question and the message box is there.
_GREETED = """() => { const chat = document.querySelector('#polku-chat');
  return !!(chat && chat.innerText.includes('?') &&
            document.querySelector('#polku-message textarea')); }"""


def big_map_html() -> str:
    """A map of ``STAGES`` stages and ``LANES`` lanes (the seven of a journey map, the four of
    a service blueprint and one of the person's own), every cell written, as the page and the
    HTML export draw it."""
    from assistant.domain import Emotion, Item, JourneyMap, Opportunity, Persona, Stage, Touchpoint
    from assistant.formats.render import render_html

    def items(stage: int, lane: str) -> list[Item]:
        return [Item(text=f"{lane} {stage}.{k}: a cell of ordinary length to wrap") for k in (1, 2)]

    stages = [
        Stage(
            name=f"Stage {i + 1}",
            customer_goal=Item(text=f"The goal of stage {i + 1}"),
            actions=items(i, "Action"),
            touchpoints=[Touchpoint(channel=f"Channel {i}.{k}", kind="online") for k in (1, 2)],
            thoughts=items(i, "Thought"),
            emotion=Emotion(score=(i % 5) - 2, label=f"feeling {i}", reason="why"),
            pain_points=items(i, "Pain"),
            opportunities=[Opportunity(text=f"Fix {i}", owner="Owner", metric="Metric")],
            frontstage=items(i, "Frontstage"),
            backstage=items(i, "Backstage"),
            support_processes=items(i, "Support"),
            physical_evidence=items(i, "Evidence"),
            extra_lanes={"Moments of truth": [Item(text=f"The moment {i} that decides")]},
        )
        for i in range(STAGES)
    ]
    journey = JourneyMap(
        title="Benchmark map",
        business="A business",
        map_type="service-blueprint",
        persona=Persona(name="Anna", goals=["Get it done"]),
        stages=stages,
    )
    return render_html(journey)


def bench_page(url: str, repeat: int) -> dict[str, Any]:
    """Fresh browsers opening the page; the big map drawn; first words of chat turns."""
    from playwright.sync_api import sync_playwright

    ready, drawn, first = [], [], []
    html = big_map_html()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(max(3, repeat // 4)):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_function(_GREETED)
            ready.append(time.perf_counter() - start)
            context.close()
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.wait_for_function(_GREETED)
        for _ in range(repeat):
            drawn.append(page.evaluate(_DRAW, html) / 1000)
        for n in range(repeat):
            before = page.locator("#polku-chat .message-row.bot-row").count()
            page.locator("#polku-message textarea").fill(f"What is a touchpoint, number {n}?")
            first.append(page.evaluate(_FIRST_WORDS, [before]) / 1000)
            page.wait_for_function(
                "() => document.querySelector('#polku-message textarea').value === ''"
            )
            page.wait_for_timeout(300)  # the reply finishes before the next question
        browser.close()
    return {
        "page_ready": percentiles(ready),
        "map_10x12_draw": percentiles(drawn),
        "chat_first_words": percentiles(first),
        "map_html_kb": round(len(html.encode()) / 1024, 1),
    }
