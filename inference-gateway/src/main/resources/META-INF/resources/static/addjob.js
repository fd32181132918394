// /AddJob: the API key (when keys are on) goes with every htmx request and event stream as a bearer token;
// problem+json answers are shown as their title and detail; a submitted job is followed live through
// GET /jobs/{id}/events (read with fetch, since EventSource cannot send the Authorization header).
(function () {
  const keyInput = document.getElementById('api-key');
  if (keyInput) {
    keyInput.value = sessionStorage.getItem('slipway.apiKey') || '';
    keyInput.addEventListener('input', () => sessionStorage.setItem('slipway.apiKey', keyInput.value.trim()));
  }
  function authHeaders() {
    const key = keyInput ? keyInput.value.trim() : '';
    return key ? { Authorization: 'Bearer ' + key } : {};
  }

  function escapeHtml(text) {
    const div = document.createElement('div');
    div.textContent = text == null ? '' : String(text);
    return div.innerHTML;
  }
  function problemHtml(problem) {
    return '<div class="problem" role="alert" data-type="' + escapeHtml(problem.type) + '"><strong class="title">'
      + escapeHtml(problem.title) + '</strong><p class="detail">' + escapeHtml(problem.detail) + '</p></div>';
  }
  function problemOf(status, text) {
    try { return JSON.parse(text); } catch (e) { return { title: 'HTTP ' + status, detail: text }; }
  }

  document.body.addEventListener('htmx:configRequest', (event) => Object.assign(event.detail.headers, authHeaders()));
  document.body.addEventListener('htmx:beforeSwap', (event) => {
    const xhr = event.detail.xhr;
    if ((xhr.getResponseHeader('Content-Type') || '').startsWith('application/problem+json')) {
      event.detail.serverResponse = problemHtml(problemOf(xhr.status, xhr.responseText));
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.body.addEventListener('htmx:afterSwap', () => {
    document.querySelectorAll('.job[data-events]:not([data-following])').forEach(follow);
  });

  function update(card, job) {
    card.dataset.status = job.status;
    card.querySelector('.status').textContent = job.status;
    card.querySelector('.attempts').textContent = job.attempts;
    card.querySelector('.error').textContent = job.error || '';
    if (job.status === 'succeeded') {
      htmx.ajax('GET', '/AddJob/jobs/' + encodeURIComponent(job.id) + '/result',
        { target: card.querySelector('.result'), swap: 'innerHTML' });
    }
  }

  async function follow(card) {
    card.dataset.following = 'true';
    const response = await fetch(card.dataset.events, { headers: { ...authHeaders(), Accept: 'text/event-stream' } });
    if (!response.ok) {
      card.querySelector('.error').innerHTML = problemHtml(problemOf(response.status, await response.text()));
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = (buffer + value).replace(/\r\n/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer.slice(0, end).split('\n').filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5)).join('\n');
        buffer = buffer.slice(end + 2);
        if (data) update(card, JSON.parse(data));
      }
    }
  }
})();
