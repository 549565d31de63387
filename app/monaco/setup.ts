/**
 * Loads Monaco from the local package (never a CDN): the editor API, only the features the IDE
 * uses, and its worker bundled by Vite. This module is imported lazily with the editor panel.
 */
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/suggest/register';
// the suggest widget itself is not in features/suggest (editor.main imports it on its own)
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/snippet/browser/snippetController2';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/wordOperations/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { loader } from '@monaco-editor/react';
import { registerLanguage } from './language';
import { registerProviders, type EditorContext } from './providers';

let ready = false;

/** Configures Monaco once and returns it. */
export function setupMonaco(context: () => EditorContext): typeof monaco {
  if (ready) return monaco;
  ready = true;
  (self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = { getWorker: () => new EditorWorker() };
  loader.config({ monaco });
  registerLanguage(monaco);
  registerProviders(monaco, context);
  // a list that opened by itself has no item chosen (the editor's suggest.selectionMode), so
  // Enter stays a newline; Tab takes its first item, Enter one the user moved to
  monaco.editor.addKeybindingRule({
    keybinding: monaco.KeyCode.Tab,
    command: 'focusAndAcceptSuggestion',
    when: 'suggestWidgetVisible && !suggestWidgetHasFocusedSuggestion && textInputFocus',
  });
  return monaco;
}

