// /AddJob: a submitted job is followed live through GET /jobs/{id}/events; its result is swapped in once it
// succeeded. Keys, problems and stream reading: pages.js.
(function () {
  function update(card, job) {
    card.dataset.status = job.status;
    card.querySelector('.status').textContent = job.status;
    card.querySelector('.attempts').textContent = job.attempts;
    card.querySelector('.error').textContent = job.error || '';
    if (['succeeded', 'failed', 'canceled'].includes(job.status)) {
      htmx.trigger(document.body, 'jobFinished');
    }
    if (job.status === 'succeeded') {
      htmx.ajax('GET', '/AddJob/jobs/' + encodeURIComponent(job.id) + '/result',
        { target: card.querySelector('.result'), swap: 'innerHTML' });
    }
  }
  document.body.addEventListener('htmx:afterSwap', () => {
    document.querySelectorAll('.job[data-events]:not([data-following])').forEach((card) => {
      card.dataset.following = 'true';
      slipway.readEvents(card.dataset.events, (data) => update(card, JSON.parse(data)),
        (problem) => { card.querySelector('.error').innerHTML = problem; });
    });
  });
})();
