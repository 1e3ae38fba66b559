import { QueryClientProvider } from '@tanstack/react-query';
import { render as renderAlone, type RenderOptions, type RenderResult } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { makeQueryClient } from '@/ui/app/query-client';

/**
 * Testing Library's `render` under a cache of what the views read from the server, as the app gives them: a new
 * cache for each render, so a view rendered again reads the server again (as after a reload).
 */
export function render(ui: ReactElement, options: Omit<RenderOptions, 'wrapper'> = {}): RenderResult {
  const queryClient = makeQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  return renderAlone(ui, { ...options, wrapper });
}
