/** What a view needs of a store: its state now, and word when it changes. */
export interface ReadableStore<State> {
  getState: () => State;
  subscribe: (listener: () => void) => () => void;
}

/**
 * The base of the app's stores (the sheet, the submission, the connection settings): one state object, replaced
 * (never changed in place) by `setState`, and listeners told after each change. Views read a store with
 * `useStore(store, selector)` and re-render only when what their selector returns changes.
 */
export class Store<State> implements ReadableStore<State> {
  private state: State;
  private readonly listeners = new Set<() => void>();
  private disconnect: (() => void) | null = null;

  constructor(initialState: State) {
    this.state = initialState;
  }

  /** The state now; the same object until the next change. */
  getState = (): State => this.state;

  /** Calls `listener` after every change; returns the function that stops it. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.disconnect = this.connect() ?? null;
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      this.disconnect?.();
      this.disconnect = null;
    };
  };

  /** Replaces the state with a new object and tells the listeners. */
  protected setState(next: State): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * Called when the first listener subscribes, to follow an outside source (another tab's storage) while anyone
   * listens; the function it returns is called when the last listener leaves.
   */
  protected connect(): (() => void) | undefined {
    return undefined;
  }
}
