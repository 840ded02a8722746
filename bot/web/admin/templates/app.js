// The Mini App's way in: Telegram hands the page signed data about who opened it, which the
// server checks (bot/services/sign_ins.py) before it opens a session.
(function () {
  var app = window.Telegram && window.Telegram.WebApp;
  var form = document.getElementById("sign-in");
  if (app && app.initData) {
    app.ready();
    document.getElementById("init-data").value = app.initData;
    form.submit();
  } else {
    document.getElementById("wait").textContent = form.dataset.outside;
  }
})();
