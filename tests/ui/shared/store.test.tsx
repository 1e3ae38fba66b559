// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '@/ui/shared/store';
import { useStore } from '@/ui/shared/use-store';

interface Progress {
  done: number;
  total: number;
  label: string;
}

class ProgressStore extends Store<Progress> {
  constructor() {
    super({ done: 0, total: 10, label: 'Submitting' });
  }

  tick(): void {
    this.setState({ ...this.getState(), done: this.getState().done + 1 });
  }

  rename(label: string): void {
    this.setState({ ...this.getState(), label });
  }
}

afterEach(cleanup);

describe('the store base', () => {
  it('keeps its state object until a change, and tells each listener after it', () => {
    const store = new ProgressStore();
    const first = store.getState();
    expect(store.getState()).toBe(first);
    const heard: number[] = [];
    const stop = store.subscribe(() => heard.push(store.getState().done));
    store.tick();
    store.tick();
    stop();
    store.tick();
    expect(heard).toEqual([1, 2]);
    expect(first.done).toBe(0);
    expect(store.getState().done).toBe(3);
  });

  it('connects to an outside source while anyone listens', () => {
    const events: string[] = [];
    class Watched extends Store<number> {
      protected override connect() {
        events.push('connect');
        return () => events.push('disconnect');
      }
    }
    const store = new Watched(0);
    const stopA = store.subscribe(() => undefined);
    const stopB = store.subscribe(() => undefined);
    stopA();
    stopA();
    expect(events).toEqual(['connect']);
    stopB();
    expect(events).toEqual(['connect', 'disconnect']);
  });
});

describe('useStore', () => {
  it('re-renders a view only when what its selector reads changes', () => {
    const store = new ProgressStore();
    const renders = { bar: 0, title: 0 };
    function Bar() {
      renders.bar++;
      const done = useStore(store, (state) => state.done);
      return <p aria-label="bar">{done}</p>;
    }
    function Title() {
      renders.title++;
      const label = useStore(store, (state) => state.label);
      return <h1>{label}</h1>;
    }
    render(
      <>
        <Title />
        <Bar />
      </>,
    );
    expect(renders).toEqual({ bar: 1, title: 1 });

    act(() => {
      for (let tick = 0; tick < 5; tick++) store.tick();
    });
    expect(screen.getByLabelText('bar').textContent).toBe('5');
    expect(renders.title).toBe(1);
    expect(renders.bar).toBeGreaterThan(1);

    const barRenders = renders.bar;
    act(() => store.rename('Retrying'));
    expect(screen.getByRole('heading').textContent).toBe('Retrying');
    expect(renders).toEqual({ bar: barRenders, title: 2 });
  });

  it('keeps a computed value that is equal by `isEqual`, so the view does not re-render', () => {
    const store = new ProgressStore();
    let renders = 0;
    function Half() {
      renders++;
      const half = useStore(
        store,
        (state) => ({ reached: state.done * 2 >= state.total }),
        (a, b) => a.reached === b.reached,
      );
      return <p aria-label="half">{half.reached ? 'past half' : 'before half'}</p>;
    }
    render(<Half />);
    act(() => {
      for (let tick = 0; tick < 4; tick++) store.tick();
    });
    expect(screen.getByLabelText('half').textContent).toBe('before half');
    expect(renders).toBe(1);
    act(() => store.tick());
    expect(screen.getByLabelText('half').textContent).toBe('past half');
    expect(renders).toBe(2);
  });
});
