// A step's preview follows its form as the admin types, before anything is saved: the
// question in the first message, each option's label on its button.
(function () {
  var form = document.getElementById("step-form");
  var chat = document.querySelector(".chat");
  if (!form || !chat) {
    return;
  }
  var language = document.documentElement.lang === "en" ? "en" : "vi";
  form.addEventListener("input", function (event) {
    var match = /^(ask|label_(\d+))_(vi|en)$/.exec(event.target.name || "");
    if (!match || match[3] !== language) {
      return;
    }
    if (match[1] === "ask") {
      var bubble = chat.querySelector(".bubble");
      if (bubble) {
        bubble.textContent = event.target.value;
      }
      return;
    }
    var rows = chat.querySelectorAll(".keys");
    var index = Number(match[2]);
    if (index < rows.length - 1) { // the last row is "start again" and the menu
      rows[index].querySelector(".key").textContent = event.target.value;
    }
  });
})();
