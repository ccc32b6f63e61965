/**
 * Aborts a request that has gone quiet: no response headers, or no new body bytes, for `idleMs`.
 * A large `$value` on a slow line may take many minutes in all and must not be cut off while
 * bytes still flow, but a connection that stalls must be given up so the attempt can be retried.
 */
export class IdleTimeout {
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs: number) {
    this.touch();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  touch(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      const error = new Error(`no data from the server for ${this.idleMs} ms`);
      error.name = 'TimeoutError';
      this.#controller.abort(error);
    }, this.idleMs);
    this.#timer.unref?.();
  }

  clear(): void {
    clearTimeout(this.#timer);
  }

  /** The response with a body that resets the timer on every chunk and stops it at the end. */
  watch(response: Response): Response {
    if (!response.body) {
      this.clear();
      return response;
    }
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          this.touch();
          controller.enqueue(chunk);
        },
        flush: () => this.clear(),
      }),
    );
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }
}
