// Requests between the plugin's entry points and its views: "open the start form" (from the
// RHS, the channel menu, a post's menu) and "show this incident in the RHS" (after starting one).
export interface StartRequest {
    summary?: string;
    // The post the incident was started from: a permalink shown in the form.
    postLink?: string;
    // What the user has typed so far. The form keeps it here, so when the host unmounts the form
    // (leaving the channel view unmounts the Root component) the next one opens with it.
    name?: string;
    channelName?: string;
    playbookId?: string;
    // The channel it was opened from: the form offers to run the incident there (`--here`).
    channelId?: string;
    here?: boolean;
}

// A post to put on an incident's timeline (the post menu's "Add to incident timeline").
export interface TimelineRequest {
    postId: string;
    // Where the post is: an incident channel's incident is preselected.
    channelId: string;
    message: string;
}

type Listener = () => void;

export class PluginUI {
    private listeners = new Set<Listener>();
    startRequest: StartRequest | null = null;
    timelineRequest: TimelineRequest | null = null;
    // A short confirmation shown for a few seconds ("Added to INC-0003's timeline").
    notice: string | null = null;
    // Set until the RHS takes it.
    incidentToShow: string | null = null;
    // The mounted modal hosts, oldest first: the first renders the forms (see ModalHost).
    private hosts: object[] = [];

    // A modal host mounted (in the Root component, a page, the RHS); answers its unmount.
    addHost(host: object): () => void {
        this.hosts.push(host);
        this.changed();
        return () => {
            this.hosts = this.hosts.filter((h) => h !== host);
            this.changed();
        };
    }

    // The one host that renders the forms now: the first still mounted.
    isActiveHost(host: object): boolean {
        return this.hosts[0] === host;
    }

    subscribe(l: Listener): () => void {
        this.listeners.add(l);
        return () => {
            this.listeners.delete(l);
        };
    }

    private changed(): void {
        for (const l of Array.from(this.listeners)) {
            l();
        }
    }

    openStart(req: StartRequest = {}): void {
        this.startRequest = {...req};
        this.changed();
    }

    closeStart(): void {
        this.startRequest = null;
        this.changed();
    }

    openTimeline(req: TimelineRequest): void {
        this.timelineRequest = {...req};
        this.changed();
    }

    closeTimeline(): void {
        this.timelineRequest = null;
        this.changed();
    }

    notify(text: string | null): void {
        this.notice = text;
        this.changed();
    }

    showIncident(id: string): void {
        this.incidentToShow = id;
        this.changed();
    }

    takeIncidentToShow(): string | null {
        const id = this.incidentToShow;
        this.incidentToShow = null;
        return id;
    }

    clear(): void {
        this.listeners.clear();
        this.hosts = [];
        this.startRequest = null;
        this.timelineRequest = null;
        this.notice = null;
        this.incidentToShow = null;
    }
}
