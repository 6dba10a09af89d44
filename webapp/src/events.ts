// Websocket events fan out to whichever RHS views are mounted. `incidentId` undefined means
// "anything may have changed" (a reconnect).
export interface IncidentEvent {
    incidentId?: string;
}

type Listener = (e: IncidentEvent) => void;

export class IncidentEvents {
    private listeners = new Set<Listener>();

    subscribe(l: Listener): () => void {
        this.listeners.add(l);
        return () => {
            this.listeners.delete(l);
        };
    }

    emit(e: IncidentEvent): void {
        for (const l of Array.from(this.listeners)) {
            l(e);
        }
    }

    clear(): void {
        this.listeners.clear();
    }
}
