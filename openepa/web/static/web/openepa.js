// Progressive enhancement only: every page works without this file. It starts GOV.UK
// Frontend's components (the service navigation's menu button, the error summary's focus,
// the notification banner's focus, buttons that ignore a double click) on pages that have
// them. A module script, so only browsers the components support run it.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
