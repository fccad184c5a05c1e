'use client';

import { createContext, useContext } from 'react';
import type { WorkbenchStore } from '@/lib/stores/workbench';
import type { EditorCommands } from '@/components/editor/commands';

export const WorkbenchContext = createContext<WorkbenchStore | null>(null);

export function useWorkbench(): WorkbenchStore {
  const store = useContext(WorkbenchContext);
  if (!store) throw new Error('useWorkbench outside the workbench');
  return store;
}

/** Commands the editor exposes to the rest of the workbench (status bar, menus). */
export const EditorCommandsContext = createContext<EditorCommands | null>(null);

export function useEditorCommands(): EditorCommands {
  const commands = useContext(EditorCommandsContext);
  if (!commands) throw new Error('useEditorCommands outside the workbench');
  return commands;
}
