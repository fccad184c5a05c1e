'use client';

export function ShareButton({ onClick }: { onClick: () => void }) {
  return (
    <button
      type="button"
      data-testid="share-button"
      onClick={onClick}
      className="rounded bg-indigo-600 px-2 py-0.5 text-xs font-medium text-white hover:bg-indigo-500"
    >
      Share
    </button>
  );
}

/** The owner's sharing: a read-only link (on, rotate, off), invite links, members. */
