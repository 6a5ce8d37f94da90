// The simulator: messages go to the live engine as a customer's would; nothing reaches customers.
(function () {
  const box = document.getElementById("simulator");
  const log = document.getElementById("log");
  const quick = document.getElementById("quick");
  const form = document.getElementById("sim-form");
  const text = document.getElementById("sim-text");
  function bubble(kind, who, body, meta) {
    const li = document.createElement("li");
    li.className = kind;
    const name = document.createElement("span");
    name.className = "who";
    name.textContent = who;
    const t = document.createElement("span");
    t.className = "text";
    t.textContent = body;  // never markup
    li.append(name, t);
    if (meta) { const m = document.createElement("span"); m.className = "meta"; m.textContent = meta; li.append(m); }
    log.append(li);
    li.scrollIntoView({ block: "end" });
  }
  async function send(message) {
    if (!message.trim()) return;
    bubble("customer", "손님", message);
    quick.replaceChildren();
    const r = await fetch("/staff/simulator", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": box.dataset.csrf },
      body: JSON.stringify({ text: message, session: box.dataset.session }),
    });
    if (!r.ok) { bubble("system", "안내", "보내지 못했어요. 다시 로그인해 주세요."); return; }
    const reply = await r.json();
    bubble("bot", "챗봇", reply.texts.join("\n\n"), reply.intent + (reply.sources.length ? " · " + reply.sources.join(", ") : "") + (reply.escalate ? " · 직원 연결" : ""));
    for (const q of reply.quick_replies) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.textContent = q.label;
      b.addEventListener("click", () => send(q.text));
      quick.append(b);
    }
  }
  let sending = false;
  text.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey) return;
    if (event.isComposing || event.keyCode === 229) return;  // Enter only finishes the Hangul syllable
    event.preventDefault();
    form.requestSubmit();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending) return;
    sending = true;
    const message = text.value;
    text.value = "";
    try { await send(message); } finally { sending = false; }
  });
})();
