/**
 * The sign-in box the report pages share: an API token pasted into the form is kept in
 * localStorage (where the map keeps it too), never in a URL; "Sign out" forgets it. Expects
 * data-testid token-form (with #token-input), token-clear and whoami in the page.
 */
export const TOKEN_KEY = 'civicnet.token'

export const savedToken = (): string | null => localStorage.getItem(TOKEN_KEY)

export function wireTokenBox(onChange: () => void = () => {}): void {
  const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!
  const render = () => {
    const token = savedToken()
    document.body.classList.toggle('signed-in', token !== null)
    $('[data-testid=token-clear]').hidden = token === null
    const who = $('[data-testid=whoami]')
    who.hidden = token === null
    who.textContent = token === null ? '' : 'signed in'
  }
  $<HTMLFormElement>('[data-testid=token-form]').addEventListener('submit', (e) => {
    e.preventDefault()
    const input = $<HTMLInputElement>('#token-input')
    const v = input.value.trim()
    input.value = ''
    if (v) localStorage.setItem(TOKEN_KEY, v)
    render()
    onChange()
  })
  $('[data-testid=token-clear]').addEventListener('click', () => {
    localStorage.removeItem(TOKEN_KEY)
    render()
    onChange()
  })
  render()
}

/** Drops a token from the address unread (it has been sent in the clear already); returns the note to show, or null. */
export function dropUrlToken(): string | null {
  const params = new URLSearchParams(location.search)
  if (!params.has('token') && !params.has('access_token')) return null
  params.delete('token')
  params.delete('access_token')
  history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}`)
  return 'A token in the address was ignored: tokens never go in URLs. Paste it into the sign-in box instead.'
}

/** Saves a blob as a download with the server's file name. */
export function saveBlob(blob: Blob, fileName: string): void {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = fileName
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000)
}
