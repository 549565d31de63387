/**
 * The terminal's colours in both themes (the shell prints its prompt green, errors red). Each
 * colour the shell uses keeps 4.5:1 on the terminal's background (test/app/contrast.test.ts).
 */
import type { ITheme } from '@xterm/xterm';

export const TERMINAL_THEMES: Record<'light' | 'dark', ITheme & { background: string; foreground: string; green: string; red: string; cyan: string }> = {
  dark: { background: '#14161a', foreground: '#d8dee9', cursor: '#d8dee9', cyan: '#7fd4e6', green: '#8fd18f', red: '#ff8a80', selectionBackground: '#2a3546' },
  light: { background: '#ffffff', foreground: '#1d1f23', cursor: '#1d1f23', cyan: '#005f73', green: '#1b6e20', red: '#b3261e', selectionBackground: '#dde6f6' },
};
