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

// Upload progress. A form marked data-bvgov-upload-progress holds a hidden meter (a <progress>) and a status line.
// While htmx sends the form, the meter shows how much of the file has gone; once it has all gone, the status says
// the file is being checked. Without JavaScript the form posts as usual and the meter stays hidden.
function uploadProgressOf (event) {
  const form = event.target instanceof Element ? event.target.closest('[data-bvgov-upload-progress]') : null
  if (!form) {
    return null
  }
  return {
    form,
    meter: form.querySelector('[data-bvgov-upload-progress-meter]'),
    bar: form.querySelector('[data-bvgov-upload-progress-meter] progress'),
    status: form.querySelector('[data-bvgov-upload-progress-status]')
  }
}

document.body.addEventListener('htmx:beforeSend', (event) => {
  const upload = uploadProgressOf(event)
  if (!upload) {
    return
  }
  upload.form.dataset.bvgovUploadState = 'sending'
  upload.bar.value = 0
  upload.bar.textContent = '0%'
  upload.meter.hidden = false
  upload.status.textContent = 'Uploading the file…'
})

document.body.addEventListener('htmx:xhr:progress', (event) => {
  const upload = uploadProgressOf(event)
  // The response's download reports its progress under the same event name: only the upload moves the meter.
  if (!upload || upload.form.dataset.bvgovUploadState !== 'sending' || !event.detail.lengthComputable) {
    return
  }
  const percent = Math.floor((event.detail.loaded / event.detail.total) * 100)
  upload.bar.value = percent
  upload.bar.textContent = `${percent}%`
  if (event.detail.loaded >= event.detail.total) {
    upload.form.dataset.bvgovUploadState = 'checking'
    upload.status.textContent = 'File uploaded. Checking each row against the register…'
  }
})

document.body.addEventListener('htmx:afterRequest', (event) => {
  const upload = uploadProgressOf(event)
  if (!upload || event.detail.successful) {
    return
  }
  upload.form.dataset.bvgovUploadState = ''
  upload.meter.hidden = true
  upload.status.textContent = 'The file could not be uploaded. Check your connection and try again.'
})
