package dev.seqnet.journal;

import java.nio.ByteOrder;

/**
 * Byte layout of one journal entry inside a Chronicle document, shared by writer and reader:
 * {@code [crc32c u32][payload length u32][payload]}, little-endian, where the payload is one SBE
 * message starting with the standard 8-byte header (blockLength, templateId, schemaId, version; u16 each).
 */
public final class JournalEntry
{
    /** Byte order of the entry header and of the SBE message header. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /** Offset of the CRC-32C of the payload. */
    public static final int CRC_OFFSET = 0;

    /** Offset of the payload length. */
    public static final int LENGTH_OFFSET = 4;

    /** Length of the entry header that precedes the payload. */
    public static final int HEADER_LENGTH = 8;

    /** Length of the standard SBE message header every payload starts with. */
    public static final int SBE_HEADER_LENGTH = 8;

    /** Offset of the templateId inside the SBE message header. */
    public static final int SBE_TEMPLATE_ID_OFFSET = 2;

    /** Offset of the schemaId inside the SBE message header. */
    public static final int SBE_SCHEMA_ID_OFFSET = 4;

    private JournalEntry()
    {
    }
}
