/**
 * How much of a server's answer a client reads (SPEC §7): the app and the command line stop reading an answer
 * above these sizes, so a server that answers without end (or a compressed answer that unpacks without end)
 * cannot take all the memory of the page or the process.
 */

const MB = 1024 * 1024;

/**
 * The most bytes of one answer a client reads, after decompression: 500 MB.
 *
 * NOTE: the largest legal answers are a lookup of 10,000 spans (`/spans/lookup`) and a page of 1,000 spans found
 * (`/spans/query`), each span with up to 1,000,000 characters of metadata: 10 GB and 1 GB of JSON. Neither can be
 * read whole anyway: an answer is read as one text before it is parsed, and the longest text JavaScript holds is
 * 2^29 − 24 characters (V8, in Node and Chrome), about 512 MB. So the cap is just under that length: it refuses no
 * answer a client could have used, and it stops a server that sends more before the memory runs out (unchecked,
 * a server streaming 2 GB took 6.2 GB of the command line's memory). Real answers are far smaller: 10,000 spans
 * with 10 KB of metadata each are 100 MB.
 */
export const MAX_ANSWER_BYTES = 500 * MB;

/**
 * The most bytes of an error answer (a status of 400 or more) a client reads: 64 KB. An error answer is
 * `{ "error": { "code", "message" } }` with a message of a sentence or two; of anything else only the beginning is
 * shown.
 */
export const MAX_ERROR_ANSWER_BYTES = 64 * 1024;

/** What a client says of an answer it stopped reading at `maxBytes` (`MAX_ANSWER_BYTES`). */
export function answerTooLargeMessage(maxBytes: number = MAX_ANSWER_BYTES): string {
  const size =
    maxBytes >= MB ? `${Math.round(maxBytes / MB).toLocaleString('en-US')} MB` : `${maxBytes} bytes`;
  return `The server's answer was over ${size}, more than Spanpatch reads of one answer; it was not read further`;
}
