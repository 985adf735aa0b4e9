// /c/<slug>: says what the campaign collects (GET /api/c/<slug>, also read by app.js
// for the banner) and links each accepted modality's page with ?campaign=<slug>.
"use strict";
(() => {
  const { $, campaign } = window.TDS;
  const WAYS = {
    text: ["/write", "¶", "Write a text", "Type or paste it."],
    voice: ["/submit", "●", "Record your voice", "Straight from the microphone."],
    drawing: ["/draw", "✎", "Draw", "With mouse, finger or pen."],
    screenshot: ["/screenshot", "▣", "Upload a screenshot", "Pick, paste or drop an image."],
  };
  campaign.loaded.then((c) => {
    const intro = $("campaign-intro");
    if (!c) {
      intro.textContent = "There is no campaign at this address.";
      return;
    }
    document.title = c.name;
    if (c.state !== "active") {
      intro.textContent = `This campaign is ${c.state}: it takes no more contributions. Thank you to everyone who took part.`;
      return;
    }
    intro.textContent = c.prompts.length
      ? `Pick a way below: each page shows the prompts one at a time (${c.prompts.length} in all).`
      : "Pick a way below.";
    $("campaign-ways").replaceChildren(...c.modalities.map((m) => {
      const [path, icon, title, text] = WAYS[m];
      const a = document.createElement("a");
      a.className = "tile";
      a.href = `${path}?campaign=${encodeURIComponent(c.slug)}`;
      a.dataset.modality = m;
      for (const [cls, content] of [["tile-icon", icon], ["tile-title", title], ["tile-text", text]]) {
        const span = document.createElement("span");
        span.className = cls;
        span.textContent = content;
        if (cls === "tile-icon") span.setAttribute("aria-hidden", "true");
        a.append(span);
      }
      return a;
    }));
  });
})();
