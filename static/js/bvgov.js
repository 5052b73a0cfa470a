// Progressive enhancement for every bvgov page. Loaded as a module, so a browser too old for GOV.UK Frontend
// never runs it and keeps the plain HTML pages, which work on their own. No inline script anywhere: the
// Content-Security-Policy does not allow it.
import * as GOVUKFrontend from '../govuk/govuk-frontend.min.js'
import * as MOJFrontend from '../moj/moj-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

GOVUKFrontend.initAll()
MOJFrontend.initAll()

// Django checks the CSRF token on every unsafe request, htmx's included.
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content
document.body.addEventListener('htmx:configRequest', (event) => {
  if (csrfToken && event.detail.verb !== 'get') {
    event.detail.headers['X-CSRFToken'] = csrfToken
  }
})

// Components inside content that htmx swaps in need starting too. The scope is the parent of the new content so
// that a component at its root is found; components already started around it report an InitError, ignored here.
function ignoreAlreadyStarted (error) {
  if (error.name !== 'InitError') {
    console.error(error)
  }
}

document.body.addEventListener('htmx:load', (event) => {
  const element = event.detail.elt
  if (element === document.body) {
    return
  }
  const scope = element.parentElement ?? element
  GOVUKFrontend.initAll({ scope, onError: ignoreAlreadyStarted })
  MOJFrontend.initAll({ scope, onError: ignoreAlreadyStarted })
})
