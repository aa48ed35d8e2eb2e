// Server-Sent Events read with fetch() instead of EventSource, because EventSource cannot send the API key header.
'use strict';

// The text/event-stream format: "field: value" lines, comments start with ":", a blank line dispatches the event.
function createEventStreamParser({ onEvent, onId, onRetry }) {
  let buffer = '';
  let skipLineFeed = false;
  let event = { type: '', data: [], id: null };

  function processLine(line) {
    if (line === '') {
      if (event.id !== null) onId(event.id);
      if (event.data.length) onEvent({ type: event.type || 'message', data: event.data.join('\n') });
      event = { type: '', data: [], id: null };
      return;
    }
    if (line.startsWith(':')) return; // a comment, such as the server's keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') event.data.push(value);
    else if (field === 'event') event.type = value;
    else if (field === 'id' && !value.includes('\0')) event.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) onRetry(Number(value));
  }

  return {
    push(text) {
      if (skipLineFeed && text.startsWith('\n')) text = text.slice(1); // the LF of a CRLF split across two chunks
      skipLineFeed = text.endsWith('\r');
      const lines = (buffer + text).split(/\r\n|\r|\n/);
      buffer = lines.pop();
      lines.forEach(processLine);
    },
  };
}

// Reads one event stream until it ends. Resolves when the server closes it; rejects when the request fails, with
// rejectResponse(response) for an answer other than 2xx, or when nothing (not even a keep-alive) arrives for silenceMs.
// onOpen runs once the answer is a readable stream; resume after a drop by passing the last id seen as lastEventId.
async function readEventStream(url, { headers = {}, lastEventId = null, signal, silenceMs, rejectResponse, onOpen, onEvent, onId, onRetry }) {
  const silence = new AbortController();
  let silenceTimer = 0;
  const restartSilenceTimer = () => {
    clearTimeout(silenceTimer);
    silenceTimer = setTimeout(() => silence.abort(new Error(`the event stream was silent for ${silenceMs / 1000} s`)), silenceMs);
  };
  const requestHeaders = { ...headers, Accept: 'text/event-stream' };
  if (lastEventId !== null) requestHeaders['Last-Event-ID'] = lastEventId;
  restartSilenceTimer();
  try {
    const response = await fetch(url, { headers: requestHeaders, cache: 'no-store', signal: AbortSignal.any([signal, silence.signal]) });
    if (!response.ok) throw await rejectResponse(response);
    if (!response.body) throw new Error('this browser cannot read a streamed response');
    onOpen();
    const parser = createEventStreamParser({ onEvent, onId, onRetry });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      restartSilenceTimer();
      parser.push(chunk.value);
    }
  } finally {
    clearTimeout(silenceTimer);
  }
}
