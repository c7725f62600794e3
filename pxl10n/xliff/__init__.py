"""xliff"""
