// /console: follows the log of the newest running deploy (GET /console/deploys/{id}/log, relayed from
// deploy-controller) and plots each model's queue over the last hour with uPlot.
(function () {
  const tokenInput = document.getElementById('deploy-token');
  if (tokenInput) {
    tokenInput.addEventListener('change', () => htmx.trigger(document.body, 'tokenChanged'));
  }

  let following = null;
  document.body.addEventListener('htmx:afterSwap', () => {
    const running = document.querySelector('#deploys tr[data-running="true"]');
    if (!running || running.dataset.id === following) return;
    following = running.dataset.id;
    const log = document.getElementById('deploy-log');
    document.getElementById('deploy-log-id').textContent = following;
    log.textContent = '';
    slipway.readEvents('/console/deploys/' + encodeURIComponent(following) + '/log', (line) => {
      log.textContent += line + '\n';
    }, (problem) => { log.innerHTML = problem; });
  });

  const plots = {};
  function plot(model, points) {
    const x = points.map((p) => p.epochSecond);
    const queue = [x, points.map((p) => p.queued), points.map((p) => p.running), points.map((p) => p.finishedPerMinute)];
    const latency = [x, points.map((p) => p.p50Ms), points.map((p) => p.p99Ms)];
    if (!plots[model]) {
      const box = document.createElement('div');
      box.className = 'plot';
      box.dataset.model = model;
      box.innerHTML = '<h3>' + slipway.escapeHtml(model) + '</h3>';
      document.getElementById('plots').appendChild(box);
      const width = Math.min(1000, document.getElementById('plots').clientWidth || 900);
      plots[model] = {
        queue: new uPlot({ width, height: 180, title: 'jobs', series: [{}, { label: 'queued', stroke: '#2456c8' },
          { label: 'running', stroke: '#1a7f37' }, { label: 'finished / min', stroke: '#b4690e' }] }, queue, box),
        latency: new uPlot({ width, height: 180, title: 'latency (ms, submission to finish)',
          series: [{}, { label: 'p50', stroke: '#2456c8' }, { label: 'p99', stroke: '#b42318' }] }, latency, box),
      };
    } else {
      plots[model].queue.setData(queue);
      plots[model].latency.setData(latency);
    }
  }
  async function refresh() {
    try {
      const response = await fetch('/console/queues', { headers: slipway.headers() });
      if (response.ok) {
        Object.entries(await response.json()).forEach(([model, points]) => plot(model, points));
      }
    } finally {
      setTimeout(refresh, 10000);
    }
  }
  refresh();
})();
