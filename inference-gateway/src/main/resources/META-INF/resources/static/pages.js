// Shared by the pages (/AddJob, /console): keys typed into the page go with every htmx request as headers (the API
// key as a bearer token, the deploy token as X-Slipway-Deploy-Token), kept in sessionStorage only; problem+json
// answers are shown as their title and detail; event streams are read with fetch, since EventSource cannot send
// headers.
window.slipway = (function () {
  const fields = { 'api-key': 'slipway.apiKey', 'deploy-token': 'slipway.deployToken' };
  Object.entries(fields).forEach(([id, storageKey]) => {
    const input = document.getElementById(id);
    if (input) {
      input.value = sessionStorage.getItem(storageKey) || '';
      input.addEventListener('input', () => sessionStorage.setItem(storageKey, input.value.trim()));
    }
  });
  function value(id) {
    const input = document.getElementById(id);
    return input ? input.value.trim() : '';
  }
  function headers() {
    const result = {};
    if (value('api-key')) result.Authorization = 'Bearer ' + value('api-key');
    if (value('deploy-token')) result['X-Slipway-Deploy-Token'] = value('deploy-token');
    return result;
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
  /** Reads a text/event-stream, calling onData with each event's data, until the stream ends. */
  async function readEvents(url, onData, onProblem) {
    const response = await fetch(url, { headers: { ...headers(), Accept: 'text/event-stream' } });
    if (!response.ok) {
      onProblem(problemHtml(problemOf(response.status, await response.text())));
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value: chunk, done } = await reader.read();
      if (done) break;
      buffer = (buffer + chunk).replace(/\r\n/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer.slice(0, end).split('\n').filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5)).join('\n');
        buffer = buffer.slice(end + 2);
        if (data) onData(data);
      }
    }
  }

  document.body.addEventListener('htmx:configRequest', (event) => Object.assign(event.detail.headers, headers()));
  document.body.addEventListener('htmx:beforeSwap', (event) => {
    const xhr = event.detail.xhr;
    if ((xhr.getResponseHeader('Content-Type') || '').startsWith('application/problem+json')) {
      event.detail.serverResponse = problemHtml(problemOf(xhr.status, xhr.responseText));
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  return { headers, escapeHtml, problemHtml, readEvents };
})();
