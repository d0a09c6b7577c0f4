// Starts GOV.UK Frontend's components (error summary focus, navigation toggle, notification
// banners). Loaded as a module from this origin: the pages allow no inline script.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
