/**
 * Who this browser is in rooms: a display name and a colour, kept in localStorage and published
 * through awareness (the fields y-codemirror.next reads for remote cursors).
 *
 * @module
 */

export interface Identity {
	name: string;
	color: string;
	colorLight: string;
}

export const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#469990', '#9a6324', '#800000', '#808000', '#000075'];

const KEY = 'converge.identity';
const NAMES = ['Ada', 'Barbara', 'Claude', 'Dennis', 'Edsger', 'Frances', 'Grace', 'Hedy', 'Ken', 'Leslie', 'Margaret', 'Niklaus'];

export function withColor(name: string, color: string): Identity {
	return { name: name.trim().slice(0, 40) || 'Anonymous', color, colorLight: color + '33' };
}

export function loadIdentity(storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage, random = Math.random): Identity {
	try {
		const v = JSON.parse(storage.getItem(KEY) ?? 'null');
		if (v && typeof v.name === 'string' && typeof v.color === 'string') return withColor(v.name, v.color);
	} catch {
		/* fall through to a fresh identity */
	}
	const id = withColor(`${NAMES[Math.floor(random() * NAMES.length)]} ${Math.floor(random() * 90 + 10)}`, PALETTE[Math.floor(random() * PALETTE.length)]);
	saveIdentity(id, storage);
	return id;
}

export function saveIdentity(id: Identity, storage: Pick<Storage, 'setItem'> = localStorage): void {
	storage.setItem(KEY, JSON.stringify({ name: id.name, color: id.color }));
}

/** Whether this browser has a saved name (a first join asks for one). */
export function hasSavedIdentity(storage: Pick<Storage, 'getItem'> = localStorage): boolean {
	try {
		return typeof JSON.parse(storage.getItem(KEY) ?? 'null')?.name === 'string';
	} catch {
		return false;
	}
}

const PARTICIPANT_KEY = 'converge.participant';

/**
 * This browser's secret participant key (128 random bits, kept in localStorage). It goes to the
 * server after the room token (`sessionToken`); the server shows everyone only a hash of it, the
 * participant id, so the facilitator can give this browser a role nobody else can borrow.
 */
export function participantKey(storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage, random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
	const saved = storage.getItem(PARTICIPANT_KEY);
	if (saved && /^[A-Za-z0-9_-]{22}$/.test(saved)) return saved;
	const bytes = random(new Uint8Array(16));
	const key = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
	storage.setItem(PARTICIPANT_KEY, key);
	return key;
}

/** The token this browser sends: the link's token with its participant key (`<token>.<key>`). */
export function sessionToken(token: string, key: string): string {
	return `${token}.${key}`;
}
