/**
 * Which components rendered between two moments, for tests that a change renders only what shows it.
 *
 * NOTE: React has no public API that names the components a commit rendered, so this reads React's own tree
 * (the fields React DevTools reads): from the root container to the current tree (`stateNode.current`), each
 * fiber's `type` and `memoizedState`. A function component with hooks gets a new first hook (`memoizedState`)
 * each time it renders, and keeps it when React skips it; `renders()` compares those objects.
 */
interface Fiber {
  type: unknown;
  child: Fiber | null;
  sibling: Fiber | null;
  memoizedState: unknown;
  stateNode: unknown;
}

function isFiber(value: unknown): value is Fiber {
  return typeof value === 'object' && value !== null && 'child' in value && 'memoizedState' in value;
}

/** The root's current tree: the container's host root fiber may be the previous tree's, its FiberRoot knows. */
function currentTree(container: Element): Fiber {
  const key = Object.keys(container).find((name) => name.startsWith('__reactContainer$'));
  const hostRoot: unknown = key === undefined ? undefined : Reflect.get(container, key);
  if (!isFiber(hostRoot)) throw new Error('No React root is rendered in this container');
  const fiberRoot = hostRoot.stateNode;
  const current: unknown =
    typeof fiberRoot === 'object' && fiberRoot !== null ? Reflect.get(fiberRoot, 'current') : undefined;
  if (!isFiber(current)) throw new Error("The React root's current tree could not be found");
  return current;
}

function componentName(type: unknown): string | null {
  return typeof type === 'function' && type.name !== '' ? type.name : null;
}

/** The first hook of every mounted instance of each named component, in tree order. */
function hooksByName(container: Element, names: readonly string[]): Map<string, unknown[]> {
  const found = new Map<string, unknown[]>(names.map((name) => [name, []]));
  const stack: Fiber[] = [currentTree(container)];
  for (let fiber = stack.pop(); fiber !== undefined; fiber = stack.pop()) {
    const name = componentName(fiber.type);
    if (name !== null) found.get(name)?.push(fiber.memoizedState);
    if (fiber.sibling) stack.push(fiber.sibling);
    if (fiber.child) stack.push(fiber.child);
  }
  return found;
}

/**
 * Follows the named function components (each must use a hook) rendered in `container`: `renders()` says which
 * of them rendered (or mounted) since the tracker was made or last asked.
 */
export function trackRenders(container: Element, names: readonly string[]) {
  let seen = hooksByName(container, names);
  for (const [name, hooks] of seen) {
    if (hooks.length === 0) throw new Error(`${name} is not rendered`);
    if (hooks.includes(null)) throw new Error(`${name} uses no hook: its renders cannot be followed`);
  }
  return {
    /** The names of the components that rendered since the last call, in the order given. */
    renders(): string[] {
      const now = hooksByName(container, names);
      const rendered = names.filter((name) => {
        const before = new Set(seen.get(name));
        return (now.get(name) ?? []).some((hook) => !before.has(hook));
      });
      seen = now;
      return rendered;
    },
  };
}
