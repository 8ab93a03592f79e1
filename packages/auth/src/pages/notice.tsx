/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';

export interface NoticeProps {
  /** `success` confirms a change; `error` says why a whole form was refused. */
  tone: 'success' | 'error';
  children?: Child;
}

/** A short message at the top of a page or a form, announced by screen readers. */
export function Notice({ tone, children }: NoticeProps) {
  return (
    <p class={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}
