'use client';

import { createContext, useContext, useState, type DragEvent, type ReactNode } from 'react';
import { AttachmentsStore } from '@/lib/stores/attachments';

// The images waiting for the next chat message, shared by the composer (button, paste) and the
// workbench, where an image dropped anywhere is attached.

const AttachmentsContext = createContext<AttachmentsStore | null>(null);

export function useAttachments(): AttachmentsStore {
  const store = useContext(AttachmentsContext);
  if (!store) throw new Error('useAttachments outside an ImageDropZone');
  return store;
}

const hasFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');

/** Provides the attachments and attaches images dropped anywhere inside; outlines itself while a file is dragged over. */
export function ImageDropZone({ children, className, disabled }: { children: ReactNode; className?: string; disabled?: boolean }) {
  const [store] = useState(() => new AttachmentsStore());
  const [over, setOver] = useState(false);
  return (
    <AttachmentsContext.Provider value={store}>
      <div
        className={`${className ?? ''} ${over ? 'outline-2 -outline-offset-2 outline-indigo-500 outline-dashed' : ''}`}
        data-testid="image-drop-zone"
        data-dragging={over || undefined}
        onDragOver={(e) => {
          if (disabled || !hasFiles(e)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
        }}
        onDrop={(e) => {
          setOver(false);
          if (disabled || !hasFiles(e)) return;
          e.preventDefault();
          void store.add([...e.dataTransfer.files]);
        }}
      >
        {children}
      </div>
    </AttachmentsContext.Provider>
  );
}
