// GOV.UK Frontend's components, started once the module is loaded (no inline script: the console's CSP forbids it).
import { initAll } from '/console/webjars/govuk-frontend/5.14.0/dist/govuk/govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();

for (const button of document.querySelectorAll('[data-console-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
for (const toggle of document.querySelectorAll('[data-console-select-all]')) {
  toggle.addEventListener('change', () => {
    for (const box of document.querySelectorAll('input[name="deliveryId"]')) {
      box.checked = toggle.checked;
    }
  });
}
