// Live queue: server-sent events replace the list; new requests can beep and notify.
(function () {
  const list = document.getElementById("queue");
  const alerts = document.getElementById("alerts");
  const live = document.getElementById("live");
  let known = new Set([...list.querySelectorAll("a")].map((a) => a.getAttribute("href")));
  alerts.checked = localStorage.getItem("danggol-alerts") === "1";
  alerts.addEventListener("change", () => {
    localStorage.setItem("danggol-alerts", alerts.checked ? "1" : "0");
    if (alerts.checked && "Notification" in window && Notification.permission === "default") Notification.requestPermission();
  });
  function beep() {
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      const osc = ctx.createOscillator();
      osc.frequency.value = 880;
      osc.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.2);
    } catch (e) { /* no audio: the list still updates */ }
  }
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function render(queue) {
    list.replaceChildren();
    if (!queue.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = "지금은 직원을 기다리는 대화가 없어요.";
      list.append(li);
    }
    const fresh = [];
    for (const c of queue) {
      // Built with textContent only: customer text never becomes markup.
      const li = document.createElement("li");
      li.className = c.state;
      const a = document.createElement("a");
      a.href = "/staff/c/" + c.id;
      const head = el("span", "head");
      const meta = el("span", "meta", `${c.channel} · ${c.state_ko}${c.staff ? " (" + c.staff + ")" : ""} · ${c.waiting}`);
      if (c.unread) {
        const unread = el("span", "unread", String(c.unread));
        unread.title = "읽지 않은 메시지";
        meta.append(" ", unread);
      }
      head.append(el("b", "", c.customer), " ", meta);
      const why = el("span", "why");
      why.append(el("span", "trigger " + c.trigger, c.trigger_ko), c.why);
      a.append(head, why);
      if (c.last && c.last !== c.why) a.append(el("span", "last", "마지막: " + c.last));
      li.append(a);
      list.append(li);
      if (!known.has(a.getAttribute("href"))) fresh.push(c);
    }
    known = new Set(queue.map((c) => "/staff/c/" + c.id));
    if (fresh.length && alerts.checked) {
      beep();
      if ("Notification" in window && Notification.permission === "granted") new Notification("단골: 직원 연결 요청", { body: fresh[0].trigger_ko + " · " + (fresh[0].why || fresh[0].last) });
    }
  }
  const source = new EventSource("/staff/events");
  source.addEventListener("queue", (event) => { render(JSON.parse(event.data)); live.textContent = "실시간으로 바뀌어요."; });
  source.onerror = () => { live.textContent = "연결이 잠시 끊겼어요. 다시 연결하는 중이에요."; };
})();
