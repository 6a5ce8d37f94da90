// Enter sends, Shift+Enter breaks the line. While a Korean syllable is being composed (IME),
// Enter only finishes the syllable: sending then would send the last syllable twice.
(function () {
  const form = document.getElementById("reply");
  const text = document.getElementById("reply-text");
  if (!form || !text) return;
  let sending = false;
  text.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey) return;
    if (event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    if (!sending && text.value.trim()) { sending = true; form.requestSubmit(); }
  });
  form.addEventListener("submit", () => { sending = true; });
})();

// Saved replies: a tap puts the text in the reply box, where staff can still change it.
document.querySelectorAll(".chip[data-text]").forEach((chip) => chip.addEventListener("click", () => {
  const box = document.getElementById("reply-text");
  box.value = box.value ? box.value + " " + chip.dataset.text : chip.dataset.text;
  box.focus();
}));
