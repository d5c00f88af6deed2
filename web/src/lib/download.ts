// Starts a download of a same-origin URL (the session cookie goes with it).

/** Downloads the URL's answer as a file. */
export function download(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}
